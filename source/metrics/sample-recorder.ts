// Wraps any metric source (synchronous or not, with or without batches) and keeps every sample it gives by
// deployment and stage, in the fixture's shape, so samples taken from Prometheus can be written to a fixture
// (fixtureLines) and replayed later by FixtureMetricSource.
import type { MetricSample } from '../domain/slo.js';
import type { MetricSource, SampleQuery } from './metric-source.js';

export class SampleRecorder implements MetricSource {
  /** Samples by `deploymentId#stage`, at their index in the stage. */
  readonly recorded = new Map<string, MetricSample[]>();
  readonly sampleBatch?: (queries: readonly SampleQuery[]) => Promise<MetricSample[]>;

  constructor(private readonly inner: MetricSource) {
    if (inner.sampleBatch) {
      const batch = inner.sampleBatch.bind(inner);
      this.sampleBatch = async (queries) => {
        const samples = await batch(queries);
        samples.forEach((s, k) => {
          const q = queries[k];
          if (q) this.keep(q, s);
        });
        return samples;
      };
    }
  }

  sample(q: SampleQuery): MetricSample | Promise<MetricSample> {
    const s = this.inner.sample(q);
    return s instanceof Promise ? s.then((v) => this.keep(q, v)) : this.keep(q, s);
  }

  private keep(q: SampleQuery, s: MetricSample): MetricSample {
    const key = `${q.deploymentId}#${q.stage}`;
    const list = this.recorded.get(key) ?? [];
    list[q.index] = s;
    this.recorded.set(key, list);
    return s;
  }
}
