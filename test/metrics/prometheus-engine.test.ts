// Deployments through the engine on the injected clock, sampling a real Prometheus at the backfilled times
// (test/helpers/prometheus-scenarios.ts): a healthy canary promotes; one whose error rate rises at 25% rolls
// back there with the value Prometheus returned; one slower than stable but inside the SLO is caught only by
// the compare judge, whose statistics land in the audit trail; Prometheus stopped mid-stage → provider errors
// → Error → rollback. Samples recorded from Prometheus replay from a fixture to the same outcomes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../source/domain/config.js';
import type { PrometheusConfig } from '../../source/domain/metrics-config.js';
import type { MetricSample } from '../../source/domain/slo.js';
import type { Engine } from '../../source/engine/engine.js';
import type { MetricSource, SampleQuery } from '../../source/metrics/metric-source.js';
import { PrometheusClient } from '../../source/metrics/prometheus-client.js';
import { PrometheusMetricSource } from '../../source/metrics/prometheus-source.js';
import { SampleRecorder } from '../../source/metrics/sample-recorder.js';
import { FixtureMetricSource, fixtureLines, parseFixture } from '../../source/sources/fixture.js';
import { config, request, service } from '../helpers/builders.js';
import { harness, T0 } from '../helpers/engine-harness.js';
import { runPrometheusTests, startPrometheus } from '../helpers/prometheus.js';
import type { RunningPrometheus } from '../helpers/prometheus.js';
import { prometheusConfig, scenarioOpenMetrics } from '../helpers/prometheus-scenarios.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
const PLANS = { default: [1, 5, 25, 50, 100], cautious: [1, 5, 25, 50, 100] };
let n = 0;
const services = ['svc-healthy', 'svc-failing', 'svc-slow'].map((id) => service({ id, name: id, tier: 'low' }));
const submitAll = (engine: Engine): void => {
  for (const s of services) engine.submit(request({ id: `${s.id}-2.0`, serviceId: s.id, version: '2.0', requestedAt: new Date(T0).toISOString() }));
};

/** Counts samples in flight, so the test can let the engine's asynchronous answers land before moving time. */
class InFlight implements MetricSource {
  pending = 0;
  readonly sampleBatch: (qs: readonly SampleQuery[]) => Promise<MetricSample[]>;
  constructor(private readonly inner: MetricSource) {
    this.sampleBatch = (qs) => this.track(inner.sampleBatch ? inner.sampleBatch(qs) : Promise.all(qs.map((q) => Promise.resolve(inner.sample(q)))));
  }
  sample(q: SampleQuery): MetricSample | Promise<MetricSample> {
    const s = this.inner.sample(q);
    return s instanceof Promise ? this.track(s) : s;
  }
  private track<T>(p: Promise<T>): Promise<T> {
    this.pending += 1;
    return p.finally(() => {
      this.pending -= 1;
    });
  }
}

function setup(prom: RunningPrometheus, canary: ConfigInput['canary'] = {}, wrap: (s: MetricSource) => MetricSource = (s) => s, name = `p${n++}.db`) {
  // An empty history gives no confidence, hence the cautious plan: make it the default one, so the 25% stage
  // runs from T0 + 4:00 to 6:00, across the failing canary's error rise at 4:15.
  const cfg = config({ canary, plans: PLANS, metrics: { prometheus: prometheusConfig(prom.url) } });
  let engine: Engine | undefined;
  const bodies: string[] = [];
  const p = cfg.metrics.prometheus as PrometheusConfig;
  const client = new PrometheusClient({ address: p.address, timeoutMs: 2000, fetch: async (input, init) => (bodies.push(String(init?.body ?? '')), fetch(input, init)) });
  const source = new InFlight(wrap(new PrometheusMetricSource(p, (id) => engine?.get(id)?.request.version ?? '', client)));
  const h = harness(dir, name, services, cfg, source);
  engine = h.engine;
  /** Moves the virtual clock deadline by deadline up to `until`, letting each batch of samples answer. */
  const runUntil = async (until: number): Promise<void> => {
    for (let guard = 0; guard < 10_000; guard++) {
      if (source.pending > 0) {
        await new Promise((r) => setTimeout(r, 1));
        continue;
      }
      await new Promise((r) => setImmediate(r)); // the engine's handlers of the answers that just landed
      if (source.pending > 0) continue;
      const next = h.engine.nextWake();
      if (next === undefined || next > until) break;
      h.clock.set(next);
      h.engine.tick();
    }
    h.clock.set(until);
  };
  return { ...h, runUntil, bodies };
}

const outcomes = (engine: Engine): Record<string, string> =>
  Object.fromEntries(engine.deployments.map((d) => [d.request.serviceId, `${d.outcome ?? d.state}${d.outcome === 'rolled_back' ? ` at ${d.plan[d.stage]}%: ${d.reason}` : ''}`]));

describe.runIf(runPrometheusTests)('engine with a real Prometheus', () => {
  let prom: RunningPrometheus;
  beforeAll(async () => {
    prom = await startPrometheus(scenarioOpenMetrics());
  }, 30_000);
  afterAll(async () => {
    await prom?.stop();
  });

  it('threshold judge: healthy promotes, failing rolls back at 25% with the PromQL value, slow promotes', async () => {
    const h = setup(prom);
    submitAll(h.engine);
    await h.runUntil(T0 + 30 * 60_000);
    const o = outcomes(h.engine);
    expect(o['svc-healthy']).toBe('succeeded');
    expect(o['svc-slow']).toBe('succeeded');
    expect(o['svc-failing']).toMatch(/^rolled_back at 25%: error_rate 5\.\d% > 1\.0% at 25%$/);
    const failing = h.engine.get('svc-failing-2.0')!;
    expect(failing.stages.map((s) => `${s.percent}:${s.verdict}`)).toEqual(['1:Pass', '5:Pass', '25:Fail']);
    expect(h.engine.audit.verify().ok).toBe(true);
  }, 30_000);

  it('compare judge: the slow canary is caught at 1% by its p99 against stable; U, p, shift and n are audited', async () => {
    const h = setup(prom, { judge: 'compare' });
    submitAll(h.engine);
    await h.runUntil(T0 + 30 * 60_000);
    const o = outcomes(h.engine);
    expect(o['svc-healthy']).toBe('succeeded');
    expect(o['svc-failing']).toMatch(/^rolled_back at 25%: error_rate 5\.\d% > 1\.0% at 25%$/);
    expect(o['svc-slow']).toMatch(/^rolled_back at 1%: canary vs stable score 50 < 75 at 1%: p99 High \(\+[78]\d\.\dms, p=[0-9.e-]+, n=13\/13\), error_rate Pass$/);
    const analysed = h.engine.audit.forDeployment('svc-slow-2.0').filter((e) => e.event === 'stage_analysed');
    expect(analysed).toHaveLength(1);
    const comparison = (analysed[0]?.payload as { measurements: { comparison: { score: number; metrics: Array<Record<string, unknown>> } } }).measurements.comparison;
    expect(comparison.score).toBe(50);
    const p99 = comparison.metrics.find((m) => m.metric === 'p99Ms')!;
    // Every canary point above every stable one; a 10 s step over a 15 s scrape repeats values, and ties
    // call for the normal approximation, as in R.
    expect(p99).toMatchObject({ classification: 'High', u: 169, nCanary: 13, nStable: 13, method: 'normal' });
    expect(p99.p).toBeLessThan(1e-4);
    expect(p99.shift).toBeGreaterThan(70);
    // The healthy canary passed every stage on the statistics as well.
    const healthy = h.engine.audit.forDeployment('svc-healthy-2.0').filter((e) => e.event === 'stage_analysed');
    expect(healthy.map((e) => (e.payload as { measurements: { comparison?: { score: number } } }).measurements.comparison?.score)).toEqual([100, 100, 100, 100, 100]);
    expect(h.engine.audit.verify().ok).toBe(true);
  }, 30_000);

  it('after a stall, the engine catches up with one range query per metric', async () => {
    const h = setup(prom);
    h.engine.submit(request({ id: 'stall', serviceId: 'svc-healthy', version: '2.0', requestedAt: new Date(T0).toISOString() }));
    h.bodies.length = 0;
    h.clock.set(T0 + 100_000); // samples were due at 30 s and 60 s; 90 s is taken now
    h.engine.tick();
    await h.runUntil(T0 + 100_000);
    const d = h.engine.get('stall')!;
    expect(d.samples.map((s) => s.at)).toEqual([T0 + 30_000, T0 + 60_000, T0 + 100_000]);
    expect(d.samples.every((s) => s.errorRate !== undefined && s.p99Ms !== undefined)).toBe(true);
    const params = h.bodies.map((b) => new URLSearchParams(b));
    expect(params.filter((p) => p.has('start'))).toHaveLength(2);
    expect(params.filter((p) => p.has('time'))).toHaveLength(2);
  }, 30_000);

  it('a restarted engine catches up the samples missed while it was down with one range query per metric', async () => {
    const h = setup(prom, {}, undefined, 'restart.db');
    h.engine.submit(request({ id: 'restart', serviceId: 'svc-failing', version: '2.0', requestedAt: new Date(T0).toISOString() }));
    await h.runUntil(T0 + 150_000); // stage 5% began at 2:00 and took its 2:30 sample
    // A new process over the same database, 100 s later: samples were due at 3:00 and 3:30; 4:00 is taken now.
    const again = setup(prom, {}, undefined, 'restart.db');
    again.clock.set(T0 + 250_000);
    expect(again.engine.restore()).toBe(1);
    again.bodies.length = 0;
    again.engine.tick();
    await again.runUntil(T0 + 250_000);
    // The caught-up samples end the 5% stage (its bake ended at 4:00): four good ones, then 25% begins.
    const analysed = again.engine.audit.forDeployment('restart').filter((e) => e.event === 'stage_analysed').map((e) => e.payload as { percent: number; verdict: string; measurements: { pass: number } });
    expect(analysed.map((a) => `${a.percent}:${a.verdict}:${a.measurements.pass}`)).toEqual(['1:Pass:4', '5:Pass:4']);
    const params = again.bodies.map((b) => new URLSearchParams(b));
    expect(params.filter((p) => p.has('start')).map((p) => [p.get('start'), p.get('end'), p.get('step')])).toEqual([
      [((T0 + 180_000) / 1000).toFixed(3), ((T0 + 210_000) / 1000).toFixed(3), '30s'],
      [((T0 + 180_000) / 1000).toFixed(3), ((T0 + 210_000) / 1000).toFixed(3), '30s'],
    ]);
    expect(params.filter((p) => p.has('time')).map((p) => p.get('time'))).toEqual([((T0 + 250_000) / 1000).toFixed(3), ((T0 + 250_000) / 1000).toFixed(3)]);
    // It carries on: the error rise at 4:15 is caught at 25%.
    await again.runUntil(T0 + 30 * 60_000);
    expect(again.engine.get('restart')!.reason).toMatch(/^error_rate 5\.\d% > 1\.0% at 25%$/);
    expect(again.engine.audit.forDeployment('restart').map((e) => e.event)).toContain('resumed_after_restart');
  }, 30_000);

  it('samples recorded from Prometheus are written to a fixture and replay to the same outcomes', async () => {
    let recorder: SampleRecorder | undefined;
    const h = setup(prom, { judge: 'compare' }, (s) => (recorder = new SampleRecorder(s)));
    submitAll(h.engine);
    await h.runUntil(T0 + 30 * 60_000);
    const text = fixtureLines({ seed: 0, description: 'recorded from Prometheus', services, requests: h.engine.deployments.map((d) => d.request), samples: recorder!.recorded, decisions: [] });
    const fixture = parseFixture('recorded.ndjson', text);
    expect(fixture.problems).toEqual([]);
    const replay = harness(dir, `p${n++}.db`, services, config({ canary: { judge: 'compare' }, plans: PLANS, metrics: { prometheus: prometheusConfig(prom.url) } }), new FixtureMetricSource(fixture.samples));
    for (const r of fixture.requests) replay.engine.submit(r);
    replay.runUntil(T0 + 30 * 60_000);
    expect(outcomes(replay.engine)).toEqual(outcomes(h.engine));
  }, 30_000);
});

describe.runIf(runPrometheusTests)('Prometheus stopped mid-stage', () => {
  it('provider errors, then Error after the consecutive-error limit, then rollback', async () => {
    const prom = await startPrometheus(scenarioOpenMetrics());
    try {
      const h = setup(prom);
      h.engine.submit(request({ id: 'dies', serviceId: 'svc-healthy', version: '2.0', requestedAt: new Date(T0).toISOString() }));
      await h.runUntil(T0 + 190_000); // stage 5% began at 2:00; samples at 2:30 and 3:00 were good
      await prom.stop();
      await h.runUntil(T0 + 30 * 60_000);
      const d = h.engine.get('dies')!;
      expect(d.outcome).toBe('rolled_back');
      expect(d.stages.map((s) => `${s.percent}:${s.verdict}`)).toEqual(['1:Pass', '5:Error']);
      expect(d.reason).toMatch(/^metric provider failed 5 times in a row at 5%: prometheus (errorRate|p99Ms): unreachable/);
      expect(d.samples.filter((s) => s.providerError !== undefined)).toHaveLength(5);
    } finally {
      await prom.stop();
    }
  }, 30_000);
});
