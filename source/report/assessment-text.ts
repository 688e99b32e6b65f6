// The assessment as a person reads it: factors as bars, level, policies, decision and rationale.
import type { Assessment } from '../domain/assess.js';
import type { RiskLevel } from '../domain/risk.js';
import { sanitize } from '../domain/sanitize.js';
import { bar } from './bar.js';
import type { Paint, Style } from './paint.js';

export const LEVEL_STYLE: Record<RiskLevel, Style> = { LOW: 'green', MEDIUM: 'yellow', HIGH: 'magenta', CRITICAL: 'red' };
const ACTION_TEXT = { proceed: '✔ PROCEED (auto)', await_approval: '⏸ AWAIT APPROVAL', blocked: '✖ BLOCKED' } as const;
const ACTION_STYLE = { proceed: 'green', await_approval: 'yellow', blocked: 'red' } as const;

const f2 = (x: number): string => x.toFixed(2);
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

export function assessmentText(a: Assessment, paint: Paint, ascii = false): string {
  const out: string[] = [];
  out.push(`${paint('bold', `Assessment ${sanitize(a.requestId)}`)}  service ${sanitize(a.serviceId)}`);
  out.push(`Risk ${paint(LEVEL_STYLE[a.level], `${a.level} ${f2(a.score)}`)}  ${bar(a.score, 30, ascii)}`);
  out.push('');
  out.push(paint('dim', 'factor              value  weight  contribution'));
  for (const f of a.factors) {
    out.push(`${f.name.padEnd(19)} ${f2(f.value)}   ${f2(f.weight)}    ${f2(f.contribution)}  ${bar(f.value, 20, ascii)}`);
  }
  out.push('');
  const h = a.history;
  out.push(
    `History: ${h.failures}/${h.executed} failed; posterior ${pct(h.posteriorMean)} (90% CI ${pct(h.interval90[0])}–${pct(h.interval90[1])}), fleet ${pct(h.fleetRate)}`,
  );
  out.push(`Evidence: ${a.evidence.length} similar, failure share ${pct(a.similarFailureRate)}, confidence ${f2(a.confidence)}`);
  for (const e of a.evidence.slice(0, 5)) {
    out.push(`  ${sanitize(e.deploymentId, 40).padEnd(28)} ${f2(e.similarity)}  ${e.outcome}${e.failureReason ? `  ${sanitize(e.failureReason, 80)}` : ''}`);
  }
  out.push('');
  if (a.policies.length === 0) out.push('Policies: none fired');
  else {
    out.push('Policies:');
    for (const p of a.policies) {
      const effect = p.waivedBy ? paint('dim', `${p.effect} (waived by ${sanitize(p.waivedBy)})`) : paint(p.effect === 'deny' ? 'red' : p.effect === 'warn' ? 'dim' : 'yellow', p.effect);
      out.push(`  ${p.id.padEnd(30)} ${effect}  ${sanitize(p.reason)}`);
    }
  }
  out.push('');
  const d = a.decision;
  out.push(`Decision: ${paint(ACTION_STYLE[d.action], ACTION_TEXT[d.action])}  plan ${d.plan}`);
  for (const r of d.reasons) out.push(`  - ${sanitize(r)}`);
  out.push(`Advisor (${sanitize(a.advisor.by)}): ${a.advisor.recommendation}, confidence ${f2(a.advisor.confidence)}: ${sanitize(a.advisor.rationale)}`);
  if (a.advisor.fallbackReason) out.push(paint('yellow', `  fallback: ${sanitize(a.advisor.fallbackReason)}`));
  return out.join('\n');
}
