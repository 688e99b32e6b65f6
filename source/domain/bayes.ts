// Beta-Binomial failure history (SPEC.md Pillar 2): a per-service posterior over the failure probability,
// with the fleet's failure share as a prior of fixed strength.
import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';

export interface FailureCounts {
  executed: number;
  failures: number;
}

export interface FailurePosterior {
  alpha: number;
  beta: number;
  mean: number;
  /** Equal-tailed 90% credible interval. */
  interval90: [number, number];
  fleetRate: number;
  executed: number;
  failures: number;
}

export function fleetFailureRate(fleet: FailureCounts, emptyFleetRate: number): number {
  return fleet.executed > 0 ? fleet.failures / fleet.executed : emptyFleetRate;
}

export function failurePosterior(service: FailureCounts, fleet: FailureCounts, priorStrength: number, emptyFleetRate: number): FailurePosterior {
  // A prior parameter of exactly 0 makes the Beta improper; keep a sliver of mass on both sides.
  const p = Math.min(1 - 1e-6, Math.max(1e-6, fleetFailureRate(fleet, emptyFleetRate)));
  const alpha = priorStrength * p + service.failures;
  const beta = priorStrength * (1 - p) + (service.executed - service.failures);
  return {
    alpha,
    beta,
    mean: alpha / (alpha + beta),
    interval90: [betaQuantile(0.05, alpha, beta), betaQuantile(0.95, alpha, beta)],
    fleetRate: fleet.executed > 0 ? fleet.failures / fleet.executed : emptyFleetRate,
    executed: service.executed,
    failures: service.failures,
  };
}
