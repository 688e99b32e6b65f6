// Canary samples from Prometheus, with Argo Rollouts' semantics: a sample is one instant query per metric at
// the sample time; an empty vector is no data; NaN or ±Inf, a result that is not one number, an HTTP error or
// a timeout is a provider error (consecutiveErrorLimit applies). Samples missed during a stall are caught up
// with one range query per metric over the gap. Under the compare judge the sample that ends the bake also
// carries the canary and stable series over the stage's window.
import type { ComparisonData, JudgeMetric, SeriesPair } from '../domain/canary-judge.js';
import { JUDGE_METRICS } from '../domain/canary-judge.js';
import type { MetricQueries, PrometheusConfig } from '../domain/metrics-config.js';
import { queriesFor } from '../domain/metrics-config.js';
import { renderTemplate } from '../domain/promql-template.js';
import type { MetricSample } from '../domain/slo.js';
import type { MetricSource, SampleQuery } from './metric-source.js';
import { PrometheusClient, PrometheusError, bearerTokenFrom, parseValue } from './prometheus-client.js';

const MAX_ERROR = 300;
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const providerError = (at: number, text: string): MetricSample => ({ at, providerError: `prometheus ${text}`.slice(0, MAX_ERROR) });

/** Runs each metric's query, naming the metric in a failure. */
async function perMetric<T>(queries: MetricQueries, run: (metric: JudgeMetric, template: string) => Promise<T>): Promise<Array<[JudgeMetric, T]>> {
  const metrics = JUDGE_METRICS.filter((m) => queries[m] !== undefined);
  return Promise.all(
    metrics.map(async (m): Promise<[JudgeMetric, T]> => {
      try {
        return [m, await run(m, queries[m] as string)];
      } catch (error) {
        throw new PrometheusError(`${m}: ${message(error)}`);
      }
    }),
  );
}

export class PrometheusMetricSource implements MetricSource {
  private readonly client: PrometheusClient;

  constructor(
    private readonly config: PrometheusConfig,
    /** The version of a deployment, for {version}; the engine knows it. */
    private readonly versionOf: (deploymentId: string) => string,
    client?: PrometheusClient,
  ) {
    const bearerToken = bearerTokenFrom(config.bearerTokenEnv, config.bearerTokenFile);
    this.client = client ?? new PrometheusClient({ address: config.address, headers: config.headers, timeoutMs: config.timeoutSeconds * 1000, ...(bearerToken ? { bearerToken } : {}) });
  }

  private render(template: string, q: SampleQuery): string {
    return renderTemplate(template, { service: q.serviceId, version: this.versionOf(q.deploymentId), deployment: q.deploymentId, percent: q.trafficPercent, stage: q.stage });
  }

  /** The stage ends at the first sample at or after the bake under the compare judge: that one compares. */
  private wantsComparison = (q: SampleQuery): boolean => q.compare === true && q.bakeUntil !== undefined && q.at >= q.bakeUntil;

  async sample(q: SampleQuery): Promise<MetricSample> {
    try {
      const values = await perMetric(queriesFor(this.config, q.serviceId).canary, (_, t) => this.client.instant(this.render(t, q), q.at));
      const sample: MetricSample = { at: q.at };
      for (const [m, v] of values) if (v !== undefined) sample[m] = v;
      if (this.wantsComparison(q)) sample.comparison = await this.compare(q);
      return sample;
    } catch (error) {
      return providerError(q.at, message(error));
    }
  }

  /**
   * Several due samples of one stage, in order (after a stall): the evenly spaced ones from one range query
   * per metric, the last (taken now, off that grid) as an instant query.
   */
  async sampleBatch(queries: readonly SampleQuery[]): Promise<MetricSample[]> {
    const last = queries.at(-1);
    const grid = queries.slice(0, -1);
    const first = grid[0];
    const second = grid[1];
    if (!last || !first || !second) return Promise.all(queries.map((q) => this.sample(q)));
    const step = second.at - first.at;
    let samples: MetricSample[];
    try {
      const series = await perMetric(queriesFor(this.config, first.serviceId).canary, (_, t) => this.client.range(this.render(t, first), first.at, (grid.at(-1) as SampleQuery).at, step));
      samples = grid.map((q) => gridSample(q.at, series));
    } catch (error) {
      samples = grid.map((q) => providerError(q.at, message(error)));
    }
    const comparing = grid.findIndex((q, k) => this.wantsComparison(q) && samples[k]?.providerError === undefined);
    const at = grid[comparing];
    if (at) {
      try {
        samples[comparing] = { ...(samples[comparing] as MetricSample), comparison: await this.compare(at) };
      } catch (error) {
        samples[comparing] = providerError(at.at, message(error));
      }
    }
    return [...samples, await this.sample(comparing >= 0 ? { ...last, compare: false } : last)];
  }

  /** Canary and stable series of every metric that has both queries, over the stage so far. */
  private async compare(q: SampleQuery): Promise<ComparisonData> {
    const { canary, stable } = queriesFor(this.config, q.serviceId);
    const both: MetricQueries = Object.fromEntries(JUDGE_METRICS.filter((m) => canary[m] !== undefined && stable[m] !== undefined).map((m) => [m, canary[m]]));
    const from = Math.min(q.stageStartedAt ?? q.at, q.at);
    const step = this.config.compareStepSeconds * 1000;
    const finite = (points: Map<number, number>): number[] => [...points.values()].filter(Number.isFinite);
    const pairs = await perMetric(both, async (m, t): Promise<SeriesPair> => {
      const [c, s] = await Promise.all([this.client.range(this.render(t, q), from, q.at, step), this.client.range(this.render(stable[m] as string, q), from, q.at, step)]);
      return { canary: finite(c), stable: finite(s) };
    });
    return { from, to: q.at, series: Object.fromEntries(pairs) };
  }
}

/** The sample at `at` from each metric's range series: a missing point is no data, a non-finite one an error. */
function gridSample(at: number, series: Array<[JudgeMetric, Map<number, number>]>): MetricSample {
  const sample: MetricSample = { at };
  for (const [m, points] of series) {
    const value = points.get(at);
    if (value === undefined) continue;
    try {
      sample[m] = parseValue(String(value));
    } catch (error) {
      return providerError(at, `${m}: ${message(error)}`);
    }
  }
  return sample;
}
