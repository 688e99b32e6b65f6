// Pillar 4's policies: the four built-ins, configured rules and freeze windows, with named exceptions.
// Evaluation is pure: the request's own timestamp is the clock.
import { compileLinear } from './linear-regex.js';
import { Cron } from 'croner';
import type { Config, PolicyException, PolicyRule, RuleCondition, RuleField } from './config.js';
import type { DeploymentRequest, Service } from './schemas.js';
import type { RiskLevel } from './risk.js';
import { RISK_LEVELS } from './risk.js';
import type { LocalTime } from './local-time.js';

export type PolicyEffect = 'deny' | 'require_approval' | 'warn';

export interface PolicyResult {
  id: string;
  effect: PolicyEffect;
  reason: string;
  /** Name of the configured exception that waived this result; a waived result has no effect. */
  waivedBy?: string;
}

export interface PolicyInput {
  request: DeploymentRequest;
  requestedAtMs: number;
  /** The request time on the service's wall clock. */
  local: LocalTime;
  service: Service;
  risk: { score: number; level: RiskLevel };
}

interface CompiledFreeze {
  id: string;
  cron: Cron;
  durationMs: number;
  reason: string;
  services?: ReadonlySet<string>;
}

/** Policies prepared once per configuration (cron objects, regexes) so evaluation stays cheap. */
export interface PolicySet {
  evaluate(input: PolicyInput): PolicyResult[];
}

const atLeast = (level: RiskLevel, min: RiskLevel): boolean => RISK_LEVELS.indexOf(level) >= RISK_LEVELS.indexOf(min);
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

export function compilePolicies(config: Config): PolicySet {
  const p = config.policies;
  const freezes: CompiledFreeze[] = p.freezeWindows.map((w) => ({
    id: w.id,
    cron: new Cron(w.cron, { timezone: w.timezone, paused: true }),
    durationMs: w.durationMinutes * 60_000,
    reason: w.reason,
    ...(w.services ? { services: new Set(w.services) } : {}),
  }));
  const rules = p.rules.map((rule) => ({ rule, test: compileRule(rule) }));
  const exceptions = p.exceptions.map((e) => ({ ...e, untilMs: e.until ? Date.parse(e.until) : Infinity }));

  const waiver = (policyId: string, input: PolicyInput): PolicyException | undefined =>
    exceptions.find(
      (e) => e.policyId === policyId && (!e.services || e.services.includes(input.service.id)) && input.requestedAtMs < e.untilMs,
    );

  return {
    evaluate(input) {
      const results: PolicyResult[] = [];
      const { request, service, risk } = input;
      const b = p.builtin;
      if (b.critical_service_human_review && service.tier === 'critical' && atLeast(risk.level, 'HIGH')) {
        results.push({ id: 'critical_service_human_review', effect: 'require_approval', reason: `critical service at ${risk.level} risk needs a human review` });
      }
      if (b.no_friday_deployments) {
        const t = input.local;
        if (t.weekday === 5 && t.hour >= 16) {
          const hotfix = request.change.hotfix && p.fridayHotfixNeedsApprovalOnly;
          results.push({
            id: 'no_friday_deployments',
            effect: hotfix ? 'require_approval' : 'deny',
            reason: `Friday ${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')} ${service.timezone}${hotfix ? ': hotfix needs approval' : ''}`,
          });
        }
      }
      if (b.error_budget_protection) {
        const budget = service.errorBudgetRemaining;
        if (budget <= 0) results.push({ id: 'error_budget_protection', effect: 'deny', reason: `error budget exhausted (${pct(budget)} left)` });
        else if (budget < p.errorBudgetApprovalBelow) {
          results.push({ id: 'error_budget_protection', effect: 'require_approval', reason: `error budget low (${pct(budget)} < ${pct(p.errorBudgetApprovalBelow)})` });
        }
      }
      if (b.db_migration_review && request.change.dbMigration) {
        results.push({ id: 'db_migration_review', effect: 'require_approval', reason: 'database migration needs review' });
      }
      for (const { rule, test } of rules) if (test(input)) results.push({ id: rule.id, effect: rule.effect, reason: rule.reason });
      for (const f of freezes) {
        if (f.services && !f.services.has(service.id)) continue;
        // Inside a window when it opened within the last `duration`: the next start after (t − duration) is ≤ t.
        const start = f.cron.nextRun(new Date(input.requestedAtMs - f.durationMs));
        if (start && start.getTime() <= input.requestedAtMs) {
          results.push({ id: f.id, effect: 'deny', reason: `${f.reason} (freeze from ${start.toISOString()} for ${f.durationMs / 60_000} min)` });
        }
      }
      for (const r of results) {
        const w = waiver(r.id, input);
        if (w) r.waivedBy = w.name;
      }
      return results;
    },
  };
}

/** The results that still bind, after exceptions. */
export const binding = (results: readonly PolicyResult[]): PolicyResult[] => results.filter((r) => !r.waivedBy);

function fieldValue(field: RuleField, input: PolicyInput): string | number | boolean {
  const { request, service, risk } = input;
  switch (field) {
    case 'serviceId': return request.serviceId;
    case 'version': return request.version;
    case 'requestedBy': return request.requestedBy;
    case 'change.linesChanged': return request.change.linesChanged;
    case 'change.filesChanged': return request.change.filesChanged;
    case 'change.dbMigration': return request.change.dbMigration;
    case 'change.configChange': return request.change.configChange;
    case 'change.hotfix': return request.change.hotfix;
    case 'change.summary': return request.change.summary;
    case 'service.tier': return service.tier;
    case 'risk.level': return risk.level;
    case 'risk.score': return risk.score;
  }
}

function compileCondition(c: RuleCondition): (input: PolicyInput) => boolean {
  const v = c.value;
  switch (c.op) {
    case 'eq': return (i) => fieldValue(c.field, i) === v;
    case 'ne': return (i) => fieldValue(c.field, i) !== v;
    case 'gt': return numeric(c, (x, y) => x > y);
    case 'gte': return numeric(c, (x, y) => x >= y);
    case 'lt': return numeric(c, (x, y) => x < y);
    case 'lte': return numeric(c, (x, y) => x <= y);
    case 'in': {
      const set = new Set(Array.isArray(v) ? v : [v]);
      return (i) => set.has(fieldValue(c.field, i));
    }
    case 'matches': {
      const re = compileLinear(String(v));
      return (i) => re.test(String(fieldValue(c.field, i)));
    }
  }
}

/** Ordered comparisons hold only between numbers (config validation requires a numeric value). */
function numeric(c: RuleCondition, cmp: (x: number, y: number) => boolean): (input: PolicyInput) => boolean {
  const y = Number(c.value);
  return (i) => {
    const x = fieldValue(c.field, i);
    return typeof x === 'number' && cmp(x, y);
  };
}

function compileRule(rule: PolicyRule): (input: PolicyInput) => boolean {
  const tests = rule.when.map(compileCondition);
  return (input) => tests.every((t) => t(input));
}
