// Which metric source live mode builds, and the configuration errors that need more than one key.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../source/io/input-error.js';
import { metricSourceFor } from '../../source/metrics/metric-source-for.js';
import { PrometheusMetricSource } from '../../source/metrics/prometheus-source.js';
import { CommandMetricSource } from '../../source/metrics/command-actions.js';
import { config } from '../helpers/builders.js';
import { compareSettingsFor, queriesFor } from '../../source/domain/metrics-config.js';

const prometheus = { address: 'http://127.0.0.1:9090', queries: { errorRate: 'max(x{version="{version}"})' } };
const none = (): string => '';

describe('metricSourceFor', () => {
  it('Prometheus when configured, a command when configured, simulated otherwise', () => {
    expect(metricSourceFor(config({ metrics: { prometheus } }), 'c.yaml', none).metrics).toBeInstanceOf(PrometheusMetricSource);
    expect(metricSourceFor(config({ live: { metricsCommand: ['./m'] } }), 'c.yaml', none).metrics).toBeInstanceOf(CommandMetricSource);
    expect(metricSourceFor(config(), undefined, none).simulated).toBe(true);
  });

  it('refuses, naming file and field: both sources, compare without Prometheus, a token variable that is not set', () => {
    const problems = (input: Parameters<typeof config>[0], env: NodeJS.ProcessEnv = {}): string => {
      try {
        metricSourceFor(config(input), 'live.yaml', none, env);
        return '';
      } catch (error) {
        expect(error).toBeInstanceOf(InputError);
        return (error as Error).message;
      }
    };
    expect(problems({ metrics: { prometheus }, live: { metricsCommand: ['./m'] } })).toBe('live.yaml: live.metricsCommand: give metrics.prometheus or live.metricsCommand, not both');
    expect(problems({ canary: { judgeByService: { payments: 'compare' } } })).toMatch(/^live\.yaml: canary\.judge: the compare judge reads canary and stable series from metrics\.prometheus/);
    expect(problems({ metrics: { prometheus: { ...prometheus, bearerTokenEnv: 'PROM_TOKEN' } } })).toBe('live.yaml: metrics.prometheus.bearerTokenEnv: environment variable PROM_TOKEN is not set');
    expect(problems({ metrics: { prometheus: { ...prometheus, bearerTokenEnv: 'PROM_TOKEN' } } }, { PROM_TOKEN: 'x' })).toBe('');
  });
});

describe('per-service settings', () => {
  it('a service\'s queries override the global ones metric by metric; its judge overrides canary.judge', () => {
    const cfg = config({
      canary: { judge: 'threshold', judgeByService: { payments: 'compare' } },
      metrics: { prometheus: { ...prometheus, queries: { errorRate: 'a{v="{version}"}', p99Ms: 'b{v="{version}"}' }, stableQueries: { p99Ms: 'c' }, services: { payments: { queries: { p99Ms: 'd{v="{version}"}' }, stableQueries: { errorRate: 'e' } } } } },
    });
    const p = cfg.metrics.prometheus!;
    expect(queriesFor(p, 'payments')).toEqual({ canary: { errorRate: 'a{v="{version}"}', p99Ms: 'd{v="{version}"}' }, stable: { p99Ms: 'c', errorRate: 'e' } });
    expect(queriesFor(p, 'other')).toEqual({ canary: { errorRate: 'a{v="{version}"}', p99Ms: 'b{v="{version}"}' }, stable: { p99Ms: 'c' } });
    expect(compareSettingsFor(cfg.canary, 'payments')).toEqual(cfg.canary.compare);
    expect(compareSettingsFor(cfg.canary, 'other')).toBeUndefined();
  });
});
