// Which metric source live mode uses, from the configuration: Prometheus (metrics.prometheus), a command
// (live.metricsCommand), or simulated samples; with the checks that need more than one key, or the process
// environment, named by file and field.
import type { Config } from '../domain/config.js';
import { InputError } from '../io/input-error.js';
import type { InputProblem } from '../io/input-error.js';
import { CommandMetricSource } from './command-actions.js';
import type { MetricSource } from './metric-source.js';
import { PrometheusMetricSource } from './prometheus-source.js';
import { SimulatedMetricSource } from './simulated-source.js';

export function metricSourceFor(config: Config, file: string | undefined, versionOf: (deploymentId: string) => string, env: NodeJS.ProcessEnv = process.env): { metrics: MetricSource; simulated: boolean } {
  const prometheus = config.metrics.prometheus;
  const command = config.live.metricsCommand;
  const problems: InputProblem[] = [];
  const problem = (field: string, message: string): void => void problems.push({ file: file ?? '(default configuration)', field, message });
  if (prometheus && command) problem('live.metricsCommand', 'give metrics.prometheus or live.metricsCommand, not both');
  const compares = config.canary.judge === 'compare' || Object.values(config.canary.judgeByService).includes('compare');
  if (compares && !prometheus) problem('canary.judge', 'the compare judge reads canary and stable series from metrics.prometheus, which is not configured');
  if (prometheus?.bearerTokenEnv !== undefined && !env[prometheus.bearerTokenEnv]) problem('metrics.prometheus.bearerTokenEnv', `environment variable ${prometheus.bearerTokenEnv} is not set`);
  if (problems.length > 0) throw new InputError(problems);
  if (prometheus) return { metrics: new PrometheusMetricSource(prometheus, versionOf), simulated: false };
  if (command) return { metrics: new CommandMetricSource(command, config.live.commandTimeoutSeconds * 1000, versionOf), simulated: false };
  return { metrics: new SimulatedMetricSource({ seed: 1, defects: new Map(), providerErrorRate: 0, gapRate: 0 }), simulated: true };
}
