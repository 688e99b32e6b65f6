// Canary metrics from a real, local Prometheus (Debian's 2.42, backfilled with promtool):
// 1. sample latency: one canary sample (two instant queries, errorRate and p99Ms) against an idle Prometheus;
// 2. 100 canaries sampling every second for a minute of real time, on an injected clock that runs at wall
//    speed from the backfilled T0: how long each engine tick takes (samples are asked, never awaited, inside
//    a tick), how long each answer takes to land, and sample latency under that load.
import { performance, monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { Assessor } from '../source/domain/assess.js';
import { CatalogIndex } from '../source/domain/catalog.js';
import { configSchema } from '../source/domain/config.js';
import { featureEmbedder } from '../source/domain/embedding.js';
import type { PrometheusConfig } from '../source/domain/metrics-config.js';
import type { Service } from '../source/domain/schemas.js';
import type { MetricSample } from '../source/domain/slo.js';
import { VirtualClock } from '../source/engine/clock.js';
import { Engine } from '../source/engine/engine.js';
import type { MetricSource, SampleQuery } from '../source/metrics/metric-source.js';
import { PrometheusMetricSource } from '../source/metrics/prometheus-source.js';
import { openDatabase } from '../source/store/database.js';
import { HistoryStore } from '../source/store/history-store.js';
import { openMetrics, startPrometheus } from './local-prometheus.js';
import { writeResults } from './results-file.js';
import { withTempDir } from './temp-db.js';

const T0 = Date.parse('2026-11-18T10:00:00Z');
const CANARIES = 100;
const RUN_MS = 60_000;
const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;
const ms = (x: number): number => Number(x.toFixed(2));

function data(): string {
  const points: Parameters<typeof openMetrics>[0] = [];
  for (let s = 0; s < CANARIES; s++) {
    for (const version of ['1.0', '2.0']) {
      for (let t = T0 - 10 * 60_000; t <= T0 + 3 * 60_000; t += 5_000) {
        const k = (t / 5_000 + s * 31) % 17;
        points.push({ name: 'app_error_ratio', labels: { service: `svc-${s}`, version }, value: (0.002 + k / 17_000).toFixed(6), atMs: t });
        points.push({ name: 'app_latency_p99_ms', labels: { service: `svc-${s}`, version }, value: (200 + k).toFixed(1), atMs: t });
      }
    }
  }
  return openMetrics(points);
}

/** Times each answer from the asking to its landing (the engine's handler runs right after). */
class Timed implements MetricSource {
  readonly latencies: number[] = [];
  constructor(private readonly inner: PrometheusMetricSource) {}
  sample(q: SampleQuery): Promise<MetricSample> {
    const t = performance.now();
    return this.inner.sample(q).finally(() => this.latencies.push(performance.now() - t));
  }
  sampleBatch(qs: readonly SampleQuery[]): Promise<MetricSample[]> {
    return this.inner.sampleBatch(qs);
  }
}

export async function runPrometheusBench(): Promise<void> {
  const prom = await startPrometheus(data());
  try {
    await withTempDir(async (dir) => {
      const config = configSchema.parse({
        plans: { default: [10, 100], cautious: [10, 100] },
        canary: { bakeSeconds: RUN_MS / 1000, sampleIntervalSeconds: 1, minSamples: 3 },
        metrics: {
          prometheus: {
            address: prom.url,
            timeoutSeconds: 5,
            queries: { errorRate: 'max(app_error_ratio{service="{service}",version="{version}"})', p99Ms: 'max(app_latency_p99_ms{service="{service}",version="{version}"})' },
          },
        },
      });
      const promConfig = config.metrics.prometheus as PrometheusConfig;

      // 1. Idle sample latency.
      const idle = new PrometheusMetricSource(promConfig, () => '2.0');
      const idleLatency: number[] = [];
      for (let i = 0; i < 520; i++) {
        const t = performance.now();
        const s = await idle.sample({ deploymentId: 'd', serviceId: `svc-${i % CANARIES}`, stage: 0, trafficPercent: 10, index: 0, at: T0 + (i % 120) * 1000 });
        if (s.providerError || s.errorRate === undefined) throw new Error(`bad sample: ${JSON.stringify(s)}`);
        if (i >= 20) idleLatency.push(performance.now() - t); // the first 20 warm the connection pool and JIT
      }

      // 2. 100 canaries, a sample each every second, for a minute of wall time.
      const services: Service[] = Array.from({ length: CANARIES }, (_, s) => ({
        id: `svc-${s}`, name: `svc-${s}`, tier: 'low', dependencies: [], timezone: 'UTC', errorBudgetRemaining: 0.9,
        health: { errorRate: 0.002, p50Ms: 40, p99Ms: 200, availability: 0.999 },
      }));
      const db = openDatabase(join(dir, 'bench.db'));
      const catalog = new CatalogIndex({ services });
      const history = new HistoryStore(db, catalog, featureEmbedder, join(dir, 'bench.hnsw'));
      const clock = new VirtualClock(T0);
      let engine: Engine | undefined;
      const source = new Timed(new PrometheusMetricSource(promConfig, (id) => engine?.get(id)?.request.version ?? ''));
      engine = new Engine({ db, catalog, config, history, assessor: new Assessor(catalog, config, history, featureEmbedder), clock, metrics: source });
      for (const s of services) {
        engine.submit({ id: `${s.id}-2.0`, serviceId: s.id, version: '2.0', requestedBy: 'bench', requestedAt: new Date(T0).toISOString(), change: { linesChanged: 5, filesChanged: 1, dbMigration: false, configChange: false, hotfix: false, summary: 'bench' } });
      }
      const ticks: number[] = [];
      const lag = monitorEventLoopDelay({ resolution: 5 });
      lag.enable();
      const start = performance.now();
      // The injected clock runs at wall speed from T0; a tick whenever a deadline has come (checked every 5 ms).
      while (performance.now() - start < RUN_MS) {
        clock.set(T0 + Math.floor(performance.now() - start));
        const next = engine.nextWake();
        if (next !== undefined && next <= clock.now()) {
          const t = performance.now();
          engine.tick();
          ticks.push(performance.now() - t);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      lag.disable();
      await new Promise((r) => setTimeout(r, 500)); // let the last answers land
      const taken = engine.deployments.reduce((sum, d) => sum + d.samples.length, 0);
      const errors = engine.deployments.reduce((sum, d) => sum + d.samples.filter((s) => s.providerError !== undefined).length, 0);
      const outcomes = new Set(engine.deployments.map((d) => d.state));
      db.close();
      const tickP99 = quantile(ticks, 0.99);
      writeResults(
        'prometheus',
        'npm run bench -- prometheus',
        [
          { metric: 'sample latency, idle Prometheus (2 instant queries): p50', value: ms(quantile(idleLatency, 0.5)), unit: 'ms' },
          { metric: 'sample latency, idle: p99', value: ms(quantile(idleLatency, 0.99)), unit: 'ms' },
          { metric: `engine tick with ${CANARIES} canaries sampling every second: p50`, value: ms(quantile(ticks, 0.5)), unit: 'ms' },
          { metric: 'engine tick: p99', value: ms(tickP99), unit: 'ms', target: '≤ 50 ms', met: tickP99 <= 50 },
          { metric: 'engine tick: max', value: ms(Math.max(...ticks)), unit: 'ms' },
          { metric: 'ticks in the minute', value: ticks.length, unit: 'ticks' },
          { metric: 'sample latency under that load (ask to answer): p50', value: ms(quantile(source.latencies, 0.5)), unit: 'ms' },
          { metric: 'sample latency under load: p99', value: ms(quantile(source.latencies, 0.99)), unit: 'ms' },
          { metric: 'samples taken in the minute (100 canaries × ~60 expected)', value: taken, unit: 'samples' },
          { metric: 'provider errors among them', value: errors, unit: 'samples' },
          { metric: 'event-loop delay p99 during the minute', value: ms(lag.percentile(99) / 1e6), unit: 'ms' },
        ],
        [
          `Prometheus ${'2.42'} (Debian) on 127.0.0.1 with ${CANARIES * 4} backfilled series (a point every 5 s), sharing the machine's cores with the engine.`,
          `Canary stage: bake ${RUN_MS / 1000} s, a sample a second, 2 PromQL instant queries a sample (${CANARIES * 2} queries/s); the injected clock runs at wall speed from the backfilled T0.`,
          `Deployment states at the end: ${[...outcomes].join(', ')}.`,
        ],
      );
    });
  } finally {
    await prom.stop();
  }
}
