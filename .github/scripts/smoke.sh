#!/usr/bin/env bash
# Smoke test of a deployed stage: /readyz answers ready, then one allocation with the stage's
# track token for a throwaway identity, handed straight back (mark-for-deletion), so the pool loses
# one sandbox to the normal clean-up path and nothing else.
#
#   smoke.sh <api-url> <track-token-file>     (the token is read from a file, never an argument)
set -euo pipefail
url="${1%/}"; token="$(cat "$2")"
identity="smoke-${GITHUB_RUN_ID:-local}-${GITHUB_RUN_ATTEMPT:-0}-$RANDOM"
curl_json() { curl --silent --show-error --max-time 20 --retry 5 --retry-all-errors --retry-delay 6 "$@"; }

ready="$(curl_json "$url/readyz")"
echo "readyz: $ready"
echo "$ready" | grep -q '"status" *: *"ready"' || { echo "not ready"; exit 1; }

body="$(mktemp)"
code="$(curl_json -o "$body" -w '%{http_code}' -X POST "$url/v1/allocate" \
  -H "Authorization: Bearer $token" -H "X-Instruqt-Sandbox-ID: $identity" \
  -H "X-Instruqt-Track-ID: pipeline-smoke" -H "Idempotency-Key: $identity")"
echo "allocate: HTTP $code"
if [ "$code" != 201 ] && [ "$code" != 200 ]; then cat "$body"; exit 1; fi
sandbox="$(sed -n 's/.*"sandbox_id" *: *"\([^"]*\)".*/\1/p' "$body")"
[ -n "$sandbox" ] || { echo "no sandbox_id in the allocation"; exit 1; }

code="$(curl_json -o "$body" -w '%{http_code}' -X POST "$url/v1/sandboxes/$sandbox/mark-for-deletion" \
  -H "Authorization: Bearer $token" -H "X-Instruqt-Sandbox-ID: $identity")"
echo "mark-for-deletion $sandbox: HTTP $code"
[ "$code" = 200 ] || { cat "$body"; exit 1; }
echo "smoke test passed"
