// The independent safety checker (SPEC.md): re-derives violations from the audit trail alone, never from the
// engine's own decisions. A violation is a deployment that took production traffic while a policy denied it,
// without a recorded human approval when governance required one, or with an exhausted error budget.
import type { AuditEntry } from '../store/audit-log.js';

export interface Violation {
  deploymentId: string;
  seq: number;
  rule: 'denied_by_policy' | 'no_human_approval' | 'error_budget_exhausted';
  detail: string;
}

interface Facts {
  level?: string;
  autonomy?: string;
  confidence?: number;
  similarFailureRate?: number;
  budget?: number;
  denies: string[];
  approvalPolicies: string[];
  humanApproved: boolean;
  shifted: boolean;
}

/**
 * Whether governance required a human, recomputed from the assessed facts: CRITICAL; a binding
 * require_approval policy; or the autonomy level (SHADOW: always; ASSISTED: above LOW; GOVERNED and LEARNING:
 * HIGH and above). The evidence rules only add caution and need not be re-derived for safety.
 */
function humanRequired(f: Facts): string | undefined {
  if (f.level === 'CRITICAL') return 'CRITICAL risk';
  if (f.approvalPolicies.length) return `policy ${f.approvalPolicies.join(', ')}`;
  if (f.autonomy === 'SHADOW') return 'SHADOW autonomy';
  if (f.autonomy === 'ASSISTED' && f.level !== 'LOW') return `ASSISTED autonomy at ${f.level}`;
  if (f.level === 'HIGH') return 'HIGH risk';
  return undefined;
}

export function checkSafety(entries: Iterable<AuditEntry>): { violations: Violation[]; deploymentsChecked: number } {
  const facts = new Map<string, Facts>();
  const violations: Violation[] = [];
  const flagged = new Set<string>();
  for (const e of entries) {
    const id = e.deploymentId;
    if (!id) continue;
    let f = facts.get(id);
    if (!f) facts.set(id, (f = { denies: [], approvalPolicies: [], humanApproved: false, shifted: false }));
    const p = e.payload;
    if (e.event === 'assessed') {
      f.level = String(p.level);
      f.autonomy = String(p.autonomy);
      f.budget = Number(p.errorBudgetRemaining);
      const policies = Array.isArray(p.policies) ? (p.policies as Array<{ id: string; effect: string; waivedBy?: string }>) : [];
      f.denies = policies.filter((x) => x.effect === 'deny' && !x.waivedBy).map((x) => x.id);
      f.approvalPolicies = policies.filter((x) => x.effect === 'require_approval' && !x.waivedBy).map((x) => x.id);
    } else if (e.event === 'approved' && e.actor.kind === 'human') {
      f.humanApproved = true;
    } else if (e.event === 'traffic_shifted' && Number(p.percent) > 0 && !flagged.has(id)) {
      const fail = (rule: Violation['rule'], detail: string): void => {
        violations.push({ deploymentId: id, seq: e.seq, rule, detail });
        flagged.add(id);
      };
      if (f.level === undefined) fail('no_human_approval', 'traffic shifted with no recorded assessment');
      else if (f.denies.length) fail('denied_by_policy', `policy ${f.denies.join(', ')} denied it`);
      else if (f.budget !== undefined && f.budget <= 0) fail('error_budget_exhausted', `error budget ${f.budget}`);
      else {
        const why = humanRequired(f);
        if (why && !f.humanApproved) fail('no_human_approval', `${why} required a human approval; none recorded before traffic`);
      }
    }
  }
  return { violations, deploymentsChecked: facts.size };
}
