// Canary samples for the engine to deliver: the samples due now, and in simulation the time of the sample
// that will decide the stage, read ahead from a source that is a pure function of its query.
import type { MetricSample } from '../domain/slo.js';
import type { MetricSource, SampleQuery } from '../metrics/metric-source.js';
import type { DeploymentContext } from '../machines/deployment-machine.js';
import { decidedBy, dueTimes, percentOf, sampleTimes } from '../machines/stage-samples.js';

/** A sample, or the provider's failure as a sample with `providerError`; never throws or rejects. */
export function sampleOrError(source: MetricSource, q: SampleQuery): MetricSample | Promise<MetricSample> {
  const failed = (e: unknown): MetricSample => ({ at: q.at, providerError: e instanceof Error ? e.message : String(e) });
  try {
    const sample = source.sample(q);
    return sample instanceof Promise ? sample.then((s) => s ?? { at: q.at }, failed) : (sample ?? { at: q.at });
  } catch (error) {
    return failed(error);
  }
}

/** The stage's sample query, without which sample and when. */
const stageQuery = (c: DeploymentContext): Omit<SampleQuery, 'index' | 'at'> => ({
  deploymentId: c.deploymentId,
  serviceId: c.serviceId,
  stage: c.stage,
  trafficPercent: percentOf(c),
  stageStartedAt: c.stageStartedAt,
  bakeUntil: c.bakeUntil,
  compare: c.settings.compare !== undefined,
});

function samplesAt(source: MetricSource, c: DeploymentContext, times: readonly number[]): Array<MetricSample | Promise<MetricSample>> {
  const query = stageQuery(c);
  return times.map((at, k) => sampleOrError(source, { ...query, index: c.samples.length + k, at }));
}

/** The samples due at `now` (none when not yet due): at once from a synchronous source, later otherwise. */
export function dueSamples(source: MetricSource, c: DeploymentContext, now: number): MetricSample[] | Promise<MetricSample[]> {
  const times = dueTimes(c, now);
  // A catch-up after a stall, from a source that reads a range at once (Prometheus: one query over the gap).
  if (times.length > 1 && source.sampleBatch) {
    const query = stageQuery(c);
    const asked = times.map((at, k) => ({ ...query, index: c.samples.length + k, at }));
    return source.sampleBatch(asked).catch((e: unknown) => asked.map((q) => ({ at: q.at, providerError: e instanceof Error ? e.message : String(e) })));
  }
  const samples = samplesAt(source, c, times);
  return samples.some((s) => s instanceof Promise) ? Promise.all(samples) : (samples as MetricSample[]);
}

/** When the sample that decides the stage is due; the next sample's time if the source cannot answer at once. */
export function decidingSampleAt(source: MetricSource, c: DeploymentContext): number {
  const samples = [...c.samples];
  const query = stageQuery(c);
  for (const at of sampleTimes(c, Infinity)) {
    const sample = sampleOrError(source, { ...query, index: samples.length, at });
    if (sample instanceof Promise) return c.nextSampleAt;
    samples.push(sample);
    if (decidedBy(c, samples, at)) return at;
  }
  return c.nextSampleAt;
}
