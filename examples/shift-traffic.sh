#!/usr/bin/env bash
# Example stage action: called as argv by genops-tui at each traffic shift, e.g.
#   live: { shiftCommand: ["examples/shift-traffic.sh", "{service}", "{version}", "{percent}"] }
# Replace the echo with your mesh or load-balancer call (kubectl, istioctl, an API). A non-zero exit
# is a stage Error and rolls the deployment back.
set -euo pipefail
service="$1" version="$2" percent="$3"
echo "$(date -u +%FT%TZ) shift ${service}@${version} to ${percent}%" >> "${GENOPS_ACTIONS_LOG:-/tmp/genops-actions.log}"
