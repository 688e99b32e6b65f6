// The Prometheus source against a real Prometheus serving backfilled series (test/helpers/prometheus.ts):
// values at historical sample times, no data, refusals (several series, NaN, +Inf, strings, bad PromQL),
// hostile versions, timeouts, catch-up by one range query, and the canary/stable series for compare.
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../source/domain/config.js';
import type { PrometheusConfig } from '../../source/domain/metrics-config.js';
import { PrometheusClient } from '../../source/metrics/prometheus-client.js';
import { PrometheusMetricSource } from '../../source/metrics/prometheus-source.js';
import type { SampleQuery } from '../../source/metrics/metric-source.js';
import { T0 } from '../helpers/engine-harness.js';
import { runPrometheusTests, startPrometheus } from '../helpers/prometheus.js';
import type { RunningPrometheus } from '../helpers/prometheus.js';
import { errorRatio, p99, prometheusConfig, RISE_AT, scenarioOpenMetrics } from '../helpers/prometheus-scenarios.js';

const promConfig = (address: string, extra: Record<string, unknown> = {}): PrometheusConfig =>
  configSchema.parse({ metrics: { prometheus: prometheusConfig(address, extra) } }).metrics.prometheus as PrometheusConfig;

const q = (over: Partial<SampleQuery> = {}): SampleQuery => ({ deploymentId: 'dep-1', serviceId: 'svc-healthy', stage: 0, trafficPercent: 1, index: 0, at: T0 + 30_000, ...over });

describe.runIf(runPrometheusTests)('Prometheus source against a real Prometheus', () => {
  let prom: RunningPrometheus;
  let bodies: string[] = [];
  const counting: typeof fetch = async (input, init) => {
    bodies.push(String(init?.body ?? ''));
    return fetch(input, init);
  };
  const source = (extra: Record<string, unknown> = {}, version = '2.0'): PrometheusMetricSource => {
    const cfg = promConfig(prom.url, extra);
    return new PrometheusMetricSource(cfg, () => version, new PrometheusClient({ address: cfg.address, timeoutMs: 2000, fetch: counting }));
  };

  beforeAll(async () => {
    prom = await startPrometheus(scenarioOpenMetrics());
  }, 30_000);
  afterAll(async () => {
    await prom?.stop();
  });

  it('a sample is one instant query per metric at the sample time', async () => {
    bodies = [];
    const s = await source().sample(q({ serviceId: 'svc-failing', at: RISE_AT + 15_000 }));
    expect(s.errorRate).toBeCloseTo(errorRatio('svc-failing', '2.0', RISE_AT + 15_000), 6);
    expect(s.p99Ms).toBeCloseTo(p99('svc-failing', '2.0', RISE_AT + 15_000), 3);
    expect(s.providerError).toBeUndefined();
    expect(bodies).toHaveLength(2);
    expect(bodies.every((b) => new URLSearchParams(b).get('time') === ((RISE_AT + 15_000) / 1000).toFixed(3))).toBe(true);
    const before = await source().sample(q({ serviceId: 'svc-failing', at: RISE_AT - 15_000 }));
    expect(before.errorRate).toBeLessThan(0.01);
  });

  it('an empty vector is no data, not zero', async () => {
    const s = await source({}, '9.9').sample(q());
    expect(s).toEqual({ at: T0 + 30_000 });
  });

  it('a hostile version cannot change the query: it matches no series instead of vector(1)', async () => {
    for (const version of ['2.0"} or vector(1) #', '2.0"}) or vector(1) or max(x{a="', '2.0\\', '2.0\n"}']) {
      const s = await source({}, version).sample(q());
      expect(s).toEqual({ at: T0 + 30_000 });
    }
    // In a regex matcher `.*` is quoted: it matches the literal text only.
    const regex = source({ queries: { errorRate: 'max(app_error_ratio{service="{service}",version=~"{version}"})' } }, '.*');
    expect(await regex.sample(q())).toEqual({ at: T0 + 30_000 });
    expect((await source({ queries: { errorRate: 'max(app_error_ratio{service="{service}",version=~"{version}"})' } }, '2.0').sample(q())).errorRate).toBeDefined();
  });

  it('several series are refused unless aggregated; NaN, +Inf and strings are provider errors; so is bad PromQL', async () => {
    const several = await source({ queries: { errorRate: 'app_error_ratio{service="multi"}' } }).sample(q());
    expect(several.providerError).toMatch(/^prometheus errorRate: query returned 2 series .*aggregate it/);
    expect((await source({ queries: { errorRate: 'sum(app_error_ratio{service="multi"})' } }).sample(q())).errorRate).toBeCloseTo(0.003, 9);
    expect((await source({ queries: { errorRate: 'max(app_broken{kind="nan"})' } }).sample(q())).providerError).toBe('prometheus errorRate: non-finite value NaN');
    expect((await source({ queries: { p99Ms: 'max(app_broken{kind="inf"})' } }).sample(q())).providerError).toBe('prometheus p99Ms: non-finite value +Inf');
    expect((await source({ queries: { errorRate: '"text"' } }).sample(q())).providerError).toMatch(/expected an instant vector or a scalar, got a string/);
    expect((await source({ queries: { errorRate: 'vector(0.5)' } }).sample(q())).errorRate).toBe(0.5);
    expect((await source({ queries: { errorRate: 'scalar(vector(0.25))' } }).sample(q())).errorRate).toBe(0.25);
    expect((await source({ queries: { errorRate: 'sum(rate(app_error_ratio[1m]' } }).sample(q())).providerError).toMatch(/^prometheus errorRate: HTTP 400: bad_data: /);
  });

  it('after a stall, the missed samples come from one range query per metric; the current one is an instant query', async () => {
    bodies = [];
    const times = [T0 + 30_000, T0 + 60_000, T0 + 90_000, T0 + 117_000];
    const samples = await source().sampleBatch(times.map((at, index) => q({ serviceId: 'svc-failing', index, at })));
    expect(samples.map((s) => s.at)).toEqual(times);
    for (const s of samples) expect(s.errorRate).toBeCloseTo(errorRatio('svc-failing', '2.0', Math.floor(s.at / 15_000) * 15_000), 6);
    const paths = bodies.map((b) => new URLSearchParams(b));
    expect(paths.filter((p) => p.has('start'))).toHaveLength(2); // errorRate and p99Ms, one range query each
    expect(paths.filter((p) => p.has('time'))).toHaveLength(2); // the last sample, per metric
    const one = await source().sample(q({ serviceId: 'svc-failing', at: T0 + 60_000 }));
    expect(samples[1]).toEqual(one);
  });

  it('under the compare judge, the sample that ends the bake carries canary and stable series over the stage', async () => {
    const at = T0 + 120_000;
    const s = await source().sample(q({ serviceId: 'svc-slow', at, stageStartedAt: T0, bakeUntil: at, compare: true }));
    const series = s.comparison?.series;
    expect(s.comparison?.from).toBe(T0);
    expect(series?.p99Ms?.canary).toHaveLength(13); // every 10 s from T0 to T0 + 120 s
    expect(series?.p99Ms?.stable).toHaveLength(13);
    expect(Math.min(...(series?.p99Ms?.canary ?? []))).toBeGreaterThan(Math.max(...(series?.p99Ms?.stable ?? [])));
    expect((await source().sample(q({ serviceId: 'svc-slow', at: at - 30_000, stageStartedAt: T0, bakeUntil: at, compare: true }))).comparison).toBeUndefined();
  });
});

describe('Prometheus client: timeouts, headers and tokens (a local HTTP server)', () => {
  let server: Server;
  let url = '';
  const seen: Array<Record<string, string | string[] | undefined>> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      if (req.url?.includes('query') && req.headers['x-hang'] === undefined && !req.headers['x-scope-orgid']?.includes('slow')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, '0.0042'] }] } }));
      } else if (req.headers['x-scope-orgid'] === 'slow') {
        // never answers: the client's timeout must fire
      } else res.writeHead(503).end('overloaded');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const a = server.address();
    url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('sends the configured headers and the bearer token from an environment variable', async () => {
    process.env.GENOPS_TEST_PROM_TOKEN = 's3cret';
    const cfg = promConfig(url, { headers: { 'X-Scope-OrgID': 'team-a' }, bearerTokenEnv: 'GENOPS_TEST_PROM_TOKEN', queries: { errorRate: 'vector(1)' } });
    const s = await new PrometheusMetricSource(cfg, () => '2.0').sample(q());
    expect(s.errorRate).toBe(0.0042);
    expect(seen.at(-1)?.['x-scope-orgid']).toBe('team-a');
    expect(seen.at(-1)?.authorization).toBe('Bearer s3cret');
    // From a file, read at each request (a rotated token is picked up), without its trailing newline.
    const file = join(mkdtempSync(join(tmpdir(), 'genops-token-')), 'token');
    writeFileSync(file, 'first\n');
    const fromFile = new PrometheusMetricSource(promConfig(url, { bearerTokenFile: file, queries: { errorRate: 'vector(1)' } }), () => '2.0');
    await fromFile.sample(q());
    expect(seen.at(-1)?.authorization).toBe('Bearer first');
    writeFileSync(file, 'rotated\n');
    await fromFile.sample(q());
    expect(seen.at(-1)?.authorization).toBe('Bearer rotated');
    rmSync(dirname(file), { recursive: true });
  });

  it('a timeout and an HTTP error are provider errors', async () => {
    const slow = promConfig(url, { headers: { 'X-Scope-OrgID': 'slow' }, timeoutSeconds: 0.2, queries: { errorRate: 'vector(1)' } });
    expect((await new PrometheusMetricSource(slow, () => '2.0').sample(q())).providerError).toBe('prometheus errorRate: timed out after 200 ms');
    const down = promConfig(url, { headers: { 'X-Hang': '1' }, queries: { errorRate: 'vector(1)' } });
    expect((await new PrometheusMetricSource(down, () => '2.0').sample(q())).providerError).toBe('prometheus errorRate: HTTP 503: overloaded');
    const refused = promConfig('http://127.0.0.1:1', { queries: { errorRate: 'vector(1)' } });
    expect((await new PrometheusMetricSource(refused, () => '2.0').sample(q())).providerError).toMatch(/^prometheus errorRate: unreachable/);
  });
});
