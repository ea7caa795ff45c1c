#!/usr/bin/env bash
# Deploys one stage with the CDK app: the context comes from the job's environment (GitHub
# environment variables), so dev, test and prod run the same command. Writes the stack outputs to
# cdk-app/outputs-<stage>.json for the smoke test.
#
#   deploy-stage.sh <stage> [extra cdk args…]
# env: SERVICE_IMAGE_DIGEST, JOBS_IMAGE_DIGEST  sha256 digests pushed by the build job (optional:
#                                               without them the images are built as CDK assets)
#      HOSTED_ZONE_ID, HOSTED_ZONE_NAME, HOST_NAME, CERTIFICATE_ARN, INGRESS, JOB_SCHEDULES,
#      ALARM_EMAIL, EPHEMERAL_HOURS                optional, from the environment's variables
set -euo pipefail
stage="$1"; shift
ctx=(-c "stage=$stage")
add() { if [ -n "${2:-}" ]; then ctx+=(-c "$1=$2"); fi; }
add serviceImageDigest "${SERVICE_IMAGE_DIGEST:-}"
add jobsImageDigest "${JOBS_IMAGE_DIGEST:-}"
add hostedZoneId "${HOSTED_ZONE_ID:-}"
add hostedZoneName "${HOSTED_ZONE_NAME:-}"
add hostName "${HOST_NAME:-}"
add certificateArn "${CERTIFICATE_ARN:-}"
add ingress "${INGRESS:-}"
add jobSchedules "${JOB_SCHEDULES:-}"
add alarmEmail "${ALARM_EMAIL:-}"
add ephemeralHours "${EPHEMERAL_HOURS:-}"
cd "$(dirname "$0")/../../cdk-app"
npx cdk deploy "SandboxBroker-$stage" "${ctx[@]}" "$@" \
  --require-approval never --no-notices --progress events --outputs-file "outputs-$stage.json"
