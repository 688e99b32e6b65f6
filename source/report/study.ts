// The study report of SPEC.md, computed from a simulation run: outcomes with Wilson intervals, canary catch
// rate, cycle time against the baseline with a Mann-Whitney U test, DORA figures and audit-derived safety.
import type { SimulationRun } from '../sources/simulator.js';
import { baselineRun, BASELINE } from '../sources/baseline.js';
import { checkSafety } from './safety-checker.js';
import type { Violation } from './safety-checker.js';
import { mannWhitney, quantile, wilson } from './statistics.js';

export const PAPER = { successRate: 0.968, medianCycleBaseline: 52.8, medianCycleGenOps: 23.4, safetyViolations: 0, canaryCatchRate: 0.144, deployments: 15_847 } as const;

type Rate = ReturnType<typeof wilson>;

export interface Study {
  parameters: { seed: number; deployments: number; services: number; autonomy: string };
  counts: { total: number; executed: number; succeeded: number; rolledBack: number; failed: number; rejected: number; expired: number; blocked: number; defective: number; defectiveExecuted: number };
  rates: { success: Rate; rollback: Rate; failure: Rate; canaryCatch: Rate; autoApproved: Rate };
  cycleMinutes: { genops: { median: number; p90: number }; baseline: { median: number; p90: number }; reductionOfMedian: number; mannWhitneyU: number; z: number; pValue: number };
  baseline: { success: Rate; parameters: typeof BASELINE };
  dora: { deploymentsPerDay: number; leadTimeMedianMinutes: number; changeFailRate: number; recoveryMedianMinutes: number };
  safety: { violations: number; deploymentsChecked: number; auditEntries: number; auditIntact: boolean; examples: Violation[] };
  paper: typeof PAPER;
}

const round = (x: number, digits = 4): number => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);
const roundRate = (r: Rate): Rate => ({ rate: round(r.rate), low: round(r.low), high: round(r.high) });

export function computeStudy(run: SimulationRun, seed: number): Study {
  const ds = run.deployments;
  const by = (o: string): number => ds.filter((d) => d.outcome === o).length;
  const succeeded = by('succeeded');
  const rolledBack = by('rolled_back');
  const failed = by('failed');
  const executed = succeeded + rolledBack + failed;
  const executedDs = ds.filter((d) => d.outcome === 'succeeded' || d.outcome === 'rolled_back' || d.outcome === 'failed');
  const defectiveExecuted = executedDs.filter((d) => run.workload.defects.has(d.id));
  const caught = defectiveExecuted.filter((d) => d.outcome === 'rolled_back').length;
  const cycle = (d: (typeof ds)[number]): number => ((d.finishedAtMs ?? d.updatedAtMs) - d.requestedAtMs) / 60_000;
  const genopsCycles = executedDs.map(cycle);
  const baseline = baselineRun(run.workload.requests, run.workload.defects, seed);
  const baselineCycles = [...baseline.values()].map((b) => b.cycleMinutes);
  const mw = mannWhitney(genopsCycles, baselineCycles);
  const medianG = quantile(genopsCycles, 0.5);
  const medianB = quantile(baselineCycles, 0.5);
  const days = Math.max(1, (run.endMs - run.startMs) / 86_400_000);
  const recoveries = run.engine.audit;
  // Recovery (DORA's time to restore): from the traffic shift that exposed users to the failing stage to the
  // rollback being done, read from the audit trail. Shifts and rollbacks are instant in simulation, so this
  // is how long the bad stage served traffic before it was caught.
  const lastShift = new Map<string, number>();
  const rollingBack = new Set<string>();
  const recoveryMinutes: number[] = [];
  let auditEntries = 0;
  const entries = [...recoveries.entries()];
  for (const e of entries) {
    auditEntries += 1;
    if (!e.deploymentId) continue;
    if (e.event === 'traffic_shifted') lastShift.set(e.deploymentId, Date.parse(e.ts));
    if (e.event === 'rollback_started') rollingBack.add(e.deploymentId);
    const shifted = lastShift.get(e.deploymentId);
    if (e.event === 'finished' && rollingBack.has(e.deploymentId) && shifted !== undefined && e.payload.outcome !== 'withdrawn') recoveryMinutes.push((Date.parse(e.ts) - shifted) / 60_000);
  }
  const safety = checkSafety(entries);
  const autoApproved = ds.filter((d) => d.assessment.decision.action === 'proceed').length;
  const baselineSucceeded = [...baseline.values()].filter((b) => b.outcome === 'succeeded').length;
  return {
    parameters: { seed, deployments: ds.length, services: run.workload.services.length, autonomy: run.config.autonomy },
    counts: { total: ds.length, executed, succeeded, rolledBack, failed, rejected: by('rejected'), expired: by('expired'), blocked: by('blocked'), defective: run.workload.defects.size, defectiveExecuted: defectiveExecuted.length },
    rates: {
      success: roundRate(wilson(succeeded, executed)),
      rollback: roundRate(wilson(rolledBack, executed)),
      failure: roundRate(wilson(failed, executed)),
      canaryCatch: roundRate(wilson(caught, defectiveExecuted.length)),
      autoApproved: roundRate(wilson(autoApproved, ds.length)),
    },
    cycleMinutes: {
      genops: { median: round(medianG, 2), p90: round(quantile(genopsCycles, 0.9), 2) },
      baseline: { median: round(medianB, 2), p90: round(quantile(baselineCycles, 0.9), 2) },
      reductionOfMedian: round(1 - medianG / medianB),
      mannWhitneyU: mw.u,
      z: round(mw.z, 3),
      pValue: mw.p < 1e-12 ? 0 : Number(mw.p.toPrecision(3)),
    },
    baseline: { success: roundRate(wilson(baselineSucceeded, baseline.size)), parameters: BASELINE },
    dora: {
      deploymentsPerDay: round(succeeded / days, 2),
      leadTimeMedianMinutes: round(quantile(executedDs.filter((d) => d.outcome === 'succeeded').map(cycle), 0.5), 2),
      changeFailRate: round(executed ? (rolledBack + failed) / executed : 0),
      recoveryMedianMinutes: round(quantile(recoveryMinutes, 0.5), 2),
    },
    safety: { violations: safety.violations.length, deploymentsChecked: safety.deploymentsChecked, auditEntries, auditIntact: run.engine.audit.verify().ok, examples: safety.violations.slice(0, 5) },
    paper: PAPER,
  };
}
