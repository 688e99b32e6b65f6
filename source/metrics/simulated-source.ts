// Seeded simulated canary metrics: healthy, or defective from a given traffic share on, with noise,
// provider errors and gaps. The same seed, deployment and sample index always give the same sample.
import prand from 'pure-rand';
import type { MetricSample } from '../domain/slo.js';
import { fnv1a } from '../domain/embedding.js';
import type { MetricSource, SampleQuery } from './metric-source.js';

export interface Defect {
  /** The defect shows once the canary takes at least this share of traffic. */
  fromPercent: number;
  metric: 'errorRate' | 'p99Ms';
  /** Error rate (fraction) or p99 (ms) while the defect shows. */
  value: number;
}

export interface SimulatedSourceOptions {
  seed: number;
  /** Defects by deployment id; absent means healthy. */
  defects: ReadonlyMap<string, Defect>;
  providerErrorRate: number;
  gapRate: number;
}

export class SimulatedMetricSource implements MetricSource {
  constructor(private readonly options: SimulatedSourceOptions) {}

  sample(q: SampleQuery): MetricSample {
    const rng = prand.xoroshiro128plus((this.options.seed ^ fnv1a(`${q.deploymentId}|${q.stage}|${q.index}`)) | 0);
    const u = (): number => prand.unsafeUniformIntDistribution(0, 1_000_000, rng) / 1_000_000;
    if (u() < this.options.providerErrorRate) return { at: q.at, providerError: 'metrics backend timed out' };
    if (u() < this.options.gapRate) return { at: q.at };
    const healthy: MetricSample = {
      at: q.at,
      errorRate: 0.001 + 0.003 * u(),
      p50Ms: 30 + 30 * u(),
      p99Ms: 150 + 200 * u(),
      successRate: 0.995 + 0.005 * u(),
    };
    const defect = this.options.defects.get(q.deploymentId);
    if (!defect || q.trafficPercent < defect.fromPercent) return healthy;
    // Noise around the defect's level, so a severe one is caught at once and a mild one may slip a sample.
    const level = defect.value * (0.8 + 0.4 * u());
    return defect.metric === 'errorRate' ? { ...healthy, errorRate: level, successRate: 1 - level } : { ...healthy, p99Ms: level };
  }
}
