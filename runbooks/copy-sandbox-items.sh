#!/usr/bin/env bash
# Copies every sandbox item (PK begins with "SBX#", SK = "META") from one DynamoDB table to another,
# unchanged: the broker keeps the earlier broker's item layout, so a copy is a migration, and the
# same copy puts restored items back after a point-in-time restore.
#
#   runbooks/copy-sandbox-items.sh <source-table> <target-table>
#
# Items already in the target with the same key are overwritten (that is the point of a restore).
# Leases, job locks and run records are not copied: they are rebuilt by use. Needs aws CLI v2 and jq.
set -euo pipefail
src=${1:?source table}
dst=${2:?target table}
next=""
copied=0
while :; do
  args=(dynamodb scan --table-name "$src" --consistent-read
        --filter-expression 'begins_with(PK, :p) AND SK = :m'
        --expression-attribute-values '{":p":{"S":"SBX#"},":m":{"S":"META"}}'
        --page-size 100 --max-items 100 --output json)
  [[ -n "$next" ]] && args+=(--starting-token "$next")
  page=$(aws "${args[@]}")
  count=$(jq '.Items | length' <<<"$page")
  # BatchWriteItem takes at most 25 puts; whatever DynamoDB leaves unprocessed is sent again
  for ((i = 0; i < count; i += 25)); do
    request=$(jq -c --arg t "$dst" --argjson i "$i" '{($t): [.Items[$i:$i+25][] | {PutRequest: {Item: .}}]}' <<<"$page")
    while [[ $(jq 'length' <<<"$request") -gt 0 ]]; do
      request=$(aws dynamodb batch-write-item --request-items "$request" --output json | jq -c '.UnprocessedItems // {}')
      [[ $(jq 'length' <<<"$request") -gt 0 ]] && sleep 1
    done
  done
  copied=$((copied + count))
  next=$(jq -r '.NextToken // empty' <<<"$page")
  [[ -z "$next" ]] && break
done
echo "copied $copied sandbox items from $src to $dst"
