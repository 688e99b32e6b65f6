// Backfilled metric histories for the real-Prometheus tests, one service per scenario, around the engine
// harness's T0, a point every 15 s like a scrape. Canary version 2.0, stable 1.0:
//   svc-healthy  canary and stable alike (error ratio ~0.2%, p99 ~200 ms)
//   svc-failing  the canary's error ratio jumps to 5% at T0 + 4:15, when a deployment started at T0 runs 25%
//   svc-slow     the canary's p99 is ~80 ms above stable's, inside the 500 ms SLO
// plus series that break the rules: two series for one query, NaN, +Inf.
import type { ConfigInput } from '../../source/domain/config.js';
import { T0 } from './engine-harness.js';
import { openMetrics } from './prometheus.js';

export const STEP_MS = 15_000;
export const FROM = T0 - 10 * 60_000;
export const UNTIL = T0 + 40 * 60_000;
export const RISE_AT = T0 + 4 * 60_000 + 15_000;

/** Deterministic noise in [-0.5, 0.5). */
const noise = (k: number, salt: number): number => (((k * 7919 + salt * 104_729) % 1000) + 1000) % 1000 / 1000 - 0.5;

export function errorRatio(service: string, version: string, atMs: number): number {
  const k = Math.round((atMs - FROM) / STEP_MS);
  if (service === 'svc-failing' && version === '2.0' && atMs >= RISE_AT) return 0.05 + 0.004 * noise(k, 3);
  return 0.002 + 0.001 * noise(k, version === '2.0' ? 1 : 2);
}

export function p99(service: string, version: string, atMs: number): number {
  const k = Math.round((atMs - FROM) / STEP_MS);
  const base = service === 'svc-slow' && version === '2.0' ? 280 : 200;
  return base + 10 * noise(k, version === '2.0' ? 5 : 7);
}

export function scenarioOpenMetrics(): string {
  const points: Parameters<typeof openMetrics>[0] = [];
  for (const service of ['svc-healthy', 'svc-failing', 'svc-slow']) {
    for (const version of ['1.0', '2.0']) {
      for (let t = FROM; t <= UNTIL; t += STEP_MS) points.push({ name: 'app_error_ratio', labels: { service, version }, value: errorRatio(service, version, t).toFixed(6), atMs: t });
      for (let t = FROM; t <= UNTIL; t += STEP_MS) points.push({ name: 'app_latency_p99_ms', labels: { service, version }, value: p99(service, version, t).toFixed(3), atMs: t });
    }
  }
  for (let t = FROM; t <= UNTIL; t += STEP_MS) {
    points.push({ name: 'app_error_ratio', labels: { service: 'multi', version: 'a' }, value: '0.001', atMs: t });
    points.push({ name: 'app_error_ratio', labels: { service: 'multi', version: 'b' }, value: '0.002', atMs: t });
    points.push({ name: 'app_broken', labels: { kind: 'nan' }, value: 'NaN', atMs: t });
    points.push({ name: 'app_broken', labels: { kind: 'inf' }, value: '+Inf', atMs: t });
  }
  return openMetrics(points);
}

export const CANARY_QUERIES = {
  errorRate: 'max(app_error_ratio{service="{service}",version="{version}"})',
  p99Ms: 'max(app_latency_p99_ms{service="{service}",version="{version}"})',
};
export const STABLE_QUERIES = {
  errorRate: 'max(app_error_ratio{service="{service}",version!="{version}"})',
  p99Ms: 'max(app_latency_p99_ms{service="{service}",version!="{version}"})',
};

export const prometheusConfig = (address: string, extra: Record<string, unknown> = {}): NonNullable<NonNullable<ConfigInput['metrics']>['prometheus']> => ({
  address,
  timeoutSeconds: 2,
  queries: CANARY_QUERIES,
  stableQueries: STABLE_QUERIES,
  ...extra,
});
