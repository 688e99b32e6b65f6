#!/usr/bin/env bash
# Example metric source: prints one JSON sample for the canary of {service} at {percent}%.
#   live: { metricsCommand: ["examples/metrics.sh", "{service}", "{percent}"] }
# A real one would query Prometheus, e.g. the canary's 5xx ratio and p99 over the last 30 s.
set -euo pipefail
echo '{"errorRate": 0.002, "p50Ms": 35, "p99Ms": 180, "successRate": 0.998}'
