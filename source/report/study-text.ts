// The study as text or Markdown: our measured figures beside the paper's.
import type { Study } from './study.js';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const ci = (r: { rate: number; low: number; high: number }): string => `${pct(r.rate)} (95% CI ${pct(r.low)}–${pct(r.high)})`;
const p = (x: number): string => (x === 0 ? '< 1e-12' : x.toPrecision(3));

export function studyMarkdown(s: Study): string {
  const c = s.counts;
  return [
    `# GenOps simulation study`,
    '',
    `Seed ${s.parameters.seed}, ${s.parameters.deployments.toLocaleString('en-US')} deployments, ${s.parameters.services} services, autonomy ${s.parameters.autonomy}.`,
    '',
    '| metric | baseline (manual gates) | GenOps (measured) | paper |',
    '|---|---|---|---|',
    `| success rate (of executed) | ${ci(s.baseline.success)} | ${ci(s.rates.success)} | ${pct(s.paper.successRate)} |`,
    `| rollback rate | — | ${ci(s.rates.rollback)} | — |`,
    `| failure rate | — | ${ci(s.rates.failure)} | — |`,
    `| median cycle time | ${s.cycleMinutes.baseline.median.toFixed(1)} min | ${s.cycleMinutes.genops.median.toFixed(1)} min | ${s.paper.medianCycleBaseline} → ${s.paper.medianCycleGenOps} min |`,
    `| p90 cycle time | ${s.cycleMinutes.baseline.p90.toFixed(1)} min | ${s.cycleMinutes.genops.p90.toFixed(1)} min | — |`,
    `| median reduction (Mann-Whitney U p) | — | ${pct(s.cycleMinutes.reductionOfMedian)} (p ${p(s.cycleMinutes.pValue)}) | 55.7% (p < 0.001) |`,
    `| canary catch rate | — | ${ci(s.rates.canaryCatch)} | ${pct(s.paper.canaryCatchRate)} |`,
    `| safety violations (audit-derived) | — | ${s.safety.violations} of ${s.safety.deploymentsChecked.toLocaleString('en-US')} | ${s.paper.safetyViolations} |`,
    '',
    `Outcomes: ${c.succeeded} succeeded, ${c.rolledBack} rolled back, ${c.failed} failed of ${c.executed} executed; ${c.rejected} rejected, ${c.expired} expired, ${c.blocked} blocked. ` +
      `${c.defective} defective changes, ${c.defectiveExecuted} of them executed. Auto-approved: ${ci(s.rates.autoApproved)}.`,
    '',
    `DORA: ${s.dora.deploymentsPerDay} deployments/day, lead time ${s.dora.leadTimeMedianMinutes} min (median), change fail rate ${pct(s.dora.changeFailRate)}, time to restore ${s.dora.recoveryMedianMinutes} min (median, from the traffic shift that exposed the failing stage to the rollback done).`,
    '',
    `Audit: ${s.safety.auditEntries.toLocaleString('en-US')} entries, chain ${s.safety.auditIntact ? 'intact' : 'BROKEN'}.`,
    ...(s.safety.examples.length ? ['', 'Violations:', ...s.safety.examples.map((v) => `- ${v.deploymentId} (seq ${v.seq}): ${v.rule}: ${v.detail}`)] : []),
    '',
  ].join('\n');
}
