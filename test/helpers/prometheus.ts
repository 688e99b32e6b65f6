// The real Prometheus of bench/local-prometheus.ts, for tests. Missing binaries fail loudly under CI=true
// (startPrometheus throws); elsewhere the tests that need them are skipped with a notice.
import { hasPrometheus } from '../../bench/local-prometheus.js';

export { hasPrometheus, openMetrics, startPrometheus } from '../../bench/local-prometheus.js';
export type { RunningPrometheus } from '../../bench/local-prometheus.js';

/** Whether to run the real-Prometheus tests: always under CI (where a missing binary is a failure). */
export const runPrometheusTests = hasPrometheus || process.env.CI === 'true';
if (!runPrometheusTests) console.warn("prometheus/promtool not found: the real-Prometheus tests are skipped (.ci/run installs Debian's prometheus)");
