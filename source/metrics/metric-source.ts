// Where canary samples come from. A source may answer at once (simulated, fixture) or later (a command).
import type { MetricSample } from '../domain/slo.js';

export interface SampleQuery {
  deploymentId: string;
  serviceId: string;
  /** 0-based stage index in the plan. */
  stage: number;
  trafficPercent: number;
  /** Which sample of this stage (0-based). */
  index: number;
  at: number;
  /** When the stage's traffic shift completed and when its bake ends (for sources that read a window). */
  stageStartedAt?: number;
  bakeUntil?: number;
  /** The stage is judged canary against stable: the sample that ends the bake should carry a comparison. */
  compare?: boolean;
}

export interface MetricSource {
  sample(query: SampleQuery): MetricSample | Promise<MetricSample>;
  /** Optional: several due samples of one stage at once, in order (a catch-up after a stall); never rejects. */
  sampleBatch?(queries: readonly SampleQuery[]): Promise<MetricSample[]>;
}

/** Traffic and rollback actions at each shift (a configured command in live mode, nothing in simulation). */
export interface TrafficActions {
  shift(deploymentId: string, serviceId: string, percent: number): void | Promise<void>;
  rollback(deploymentId: string, serviceId: string, reason: string): void | Promise<void>;
}

export const NO_TRAFFIC_ACTIONS: TrafficActions = { shift: () => undefined, rollback: () => undefined };
