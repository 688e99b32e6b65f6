#!/usr/bin/env bash
# Example rollback action:  live: { rollbackCommand: ["examples/rollback.sh", "{service}", "{version}", "{reason}"] }
set -euo pipefail
service="$1" version="$2" reason="$3"
echo "$(date -u +%FT%TZ) rollback ${service}@${version}: ${reason}" >> "${GENOPS_ACTIONS_LOG:-/tmp/genops-actions.log}"
