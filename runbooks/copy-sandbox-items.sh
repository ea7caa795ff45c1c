#!/usr/bin/env bash
# Copies sandbox items (PK begins with "SBX#", SK = "META") from one DynamoDB table into another,
# each ONLY where the target has no item with that key: the broker keeps the earlier broker's
# item layout, so a copy is a migration, and the same copy puts lost items back after a
# point-in-time restore.
#
#   runbooks/copy-sandbox-items.sh <source-table> <target-table>
#
# Every write is conditional: a PartiQL INSERT, which DynamoDB refuses (DuplicateItem) when the
# key exists. An item already in the target is never overwritten: it may be newer than the source
# (a sandbox allocated since the restore point), and putting an older "available" copy over it
# would hand that sandbox to a second learner. So the copy restores what is missing and keeps the
# rest; it is safe to run again, and safe against concurrent allocations (which only ever claim
# items that exist). Leases, job locks and run records are not copied: they are rebuilt by use.
# Needs the aws CLI (v1 or v2; AWS_ENDPOINT_URL is honoured) and jq.
set -euo pipefail
src=${1:?source table}
dst=${2:?target table}

# One page of scanned items -> PartiQL statements: INSERT INTO "<dst>" VALUE {'a': ?, ...} with
# the item's own attribute values as parameters, so every type (lists, maps, sets) goes as is.
read -r -d '' TO_INSERTS <<'JQ' || true
[ .Items[$i:$i+25][]
  | . as $item
  | (keys_unsorted) as $names
  | { Statement: ("INSERT INTO \"" + $t + "\" VALUE {"
                  + ($names | map("'" + gsub("'"; "''") + "': ?") | join(", ")) + "}"),
      Parameters: [ $names[] as $n | $item[$n] ] } ]
JQ
# The statements to send again: those that failed for a transient reason (order is kept).
read -r -d '' RETRYABLE <<'JQ' || true
[ .Responses | to_entries[]
  | select(.value.Error != null and .value.Error.Code != "DuplicateItem")
  | $request[.key] ]
JQ
TRANSIENT='^(ThrottlingError|ProvisionedThroughputExceeded|RequestLimitExceeded|InternalServerError|TransactionConflict)$'

next=""
inserted=0
kept=0
while :; do
  args=(dynamodb scan --table-name "$src" --consistent-read
        --filter-expression 'begins_with(PK, :p) AND SK = :m'
        --expression-attribute-values '{":p":{"S":"SBX#"},":m":{"S":"META"}}'
        --page-size 100 --max-items 100 --output json)
  [[ -n "$next" ]] && args+=(--starting-token "$next")
  page=$(aws "${args[@]}")
  count=$(jq '.Items | length' <<<"$page")
  # BatchExecuteStatement takes at most 25 statements
  for ((i = 0; i < count; i += 25)); do
    request=$(jq -c --arg t "$dst" --argjson i "$i" "$TO_INSERTS" <<<"$page")
    while [[ $(jq 'length' <<<"$request") -gt 0 ]]; do
      response=$(aws dynamodb batch-execute-statement --statements "$request" --output json)
      inserted=$((inserted + $(jq '[.Responses[] | select(.Error == null)] | length' <<<"$response")))
      kept=$((kept + $(jq '[.Responses[] | select(.Error.Code == "DuplicateItem")] | length' <<<"$response")))
      for code in $(jq -r '.Responses[] | select(.Error != null and .Error.Code != "DuplicateItem") | .Error.Code' <<<"$response"); do
        if [[ ! "$code" =~ $TRANSIENT ]]; then
          echo "copy failed: $code" >&2
          jq -c '.Responses[] | select(.Error != null and .Error.Code != "DuplicateItem")' <<<"$response" >&2
          exit 1
        fi
      done
      request=$(jq -c --argjson request "$request" "$RETRYABLE" <<<"$response")
      [[ $(jq 'length' <<<"$request") -gt 0 ]] && sleep 1
    done
  done
  next=$(jq -r '.NextToken // empty' <<<"$page")
  [[ -z "$next" ]] && break
done
echo "copied sandbox items from $src to $dst: $inserted inserted (missing in $dst), $kept kept (already in $dst, not overwritten)"
