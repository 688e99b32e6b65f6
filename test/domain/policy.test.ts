import { describe, expect, it } from 'vitest';
import { localTime } from '../../source/domain/local-time.js';
import { compilePolicies } from '../../source/domain/policy.js';
import type { PolicyInput } from '../../source/domain/policy.js';
import type { RiskLevel } from '../../source/domain/risk.js';
import { config, request, service } from '../helpers/builders.js';
import type { DeploymentRequest, Service } from '../../source/domain/schemas.js';

function input(req: DeploymentRequest, svc: Service = service(), level: RiskLevel = 'LOW', score = 0.1): PolicyInput {
  return { request: req, requestedAtMs: Date.parse(req.requestedAt), local: localTime(Date.parse(req.requestedAt), svc.timezone), service: svc, risk: { level, score } };
}
const ids = (rs: Array<{ id: string; effect: string }>): string[] => rs.map((r) => `${r.id}:${r.effect}`);

describe('built-in policies', () => {
  const policies = compilePolicies(config());
  it('nothing fires for a plain weekday change', () => {
    expect(policies.evaluate(input(request()))).toEqual([]);
  });
  it('critical_service_human_review: critical tier at HIGH or above', () => {
    const critical = service({ tier: 'critical' });
    expect(ids(policies.evaluate(input(request(), critical, 'MEDIUM')))).toEqual([]);
    expect(ids(policies.evaluate(input(request(), critical, 'HIGH')))).toEqual(['critical_service_human_review:require_approval']);
    expect(ids(policies.evaluate(input(request(), critical, 'CRITICAL')))).toEqual(['critical_service_human_review:require_approval']);
    expect(ids(policies.evaluate(input(request(), service({ tier: 'high' }), 'CRITICAL')))).toEqual([]);
  });
  it('no_friday_deployments: 15:59 passes, 16:00 in the service zone is denied, a hotfix needs approval', () => {
    const ny = service({ timezone: 'America/New_York' });
    expect(ids(policies.evaluate(input(request({ requestedAt: '2026-11-20T15:59:00-05:00' }), ny)))).toEqual([]);
    expect(ids(policies.evaluate(input(request({ requestedAt: '2026-11-20T16:00:00-05:00' }), ny)))).toEqual(['no_friday_deployments:deny']);
    // The same instant written in UTC is judged in New York time.
    expect(ids(policies.evaluate(input(request({ requestedAt: '2026-11-20T21:00:00Z' }), ny)))).toEqual(['no_friday_deployments:deny']);
    expect(ids(policies.evaluate(input(request({ requestedAt: '2026-11-20T21:00:00Z' }, { hotfix: true }), ny)))).toEqual(['no_friday_deployments:require_approval']);
  });
  it('error_budget_protection: exhausted denies, under 10% needs approval', () => {
    expect(ids(policies.evaluate(input(request(), service({ errorBudgetRemaining: 0 }))))).toEqual(['error_budget_protection:deny']);
    expect(ids(policies.evaluate(input(request(), service({ errorBudgetRemaining: -0.2 }))))).toEqual(['error_budget_protection:deny']);
    expect(ids(policies.evaluate(input(request(), service({ errorBudgetRemaining: 0.099 }))))).toEqual(['error_budget_protection:require_approval']);
    expect(ids(policies.evaluate(input(request(), service({ errorBudgetRemaining: 0.1 }))))).toEqual([]);
  });
  it('db_migration_review', () => {
    expect(ids(policies.evaluate(input(request({}, { dbMigration: true }))))).toEqual(['db_migration_review:require_approval']);
  });
  it('built-ins can be switched off', () => {
    const off = compilePolicies(config({ policies: { builtin: { db_migration_review: false } } }));
    expect(off.evaluate(input(request({}, { dbMigration: true })))).toEqual([]);
  });
});

describe('configured rules', () => {
  const policies = compilePolicies(
    config({
      policies: {
        rules: [
          { id: 'big-change', effect: 'require_approval', reason: 'over 1000 lines', when: [{ field: 'change.linesChanged', op: 'gt', value: 1000 }] },
          { id: 'no-interns', effect: 'deny', reason: 'interns do not deploy', when: [{ field: 'requestedBy', op: 'matches', value: '^intern-' }] },
          { id: 'tier-note', effect: 'warn', reason: 'high tier', when: [{ field: 'service.tier', op: 'in', value: ['high', 'critical'] }, { field: 'risk.score', op: 'gte', value: 0.5 }] },
        ],
      },
    }),
  );
  it('applies each rule when all its conditions hold', () => {
    expect(ids(policies.evaluate(input(request({}, { linesChanged: 1000 }))))).toEqual([]);
    expect(ids(policies.evaluate(input(request({}, { linesChanged: 1001 }))))).toEqual(['big-change:require_approval']);
    expect(ids(policies.evaluate(input(request({ requestedBy: 'intern-bob' }))))).toEqual(['no-interns:deny']);
    expect(ids(policies.evaluate(input(request(), service({ tier: 'high' }), 'MEDIUM', 0.49)))).toEqual([]);
    expect(ids(policies.evaluate(input(request(), service({ tier: 'high' }), 'MEDIUM', 0.5)))).toEqual(['tier-note:warn']);
  });
});

describe('freeze windows', () => {
  // Every Friday from 16:00 Berlin time for 64 hours (the weekend).
  const policies = compilePolicies(
    config({ policies: { freezeWindows: [{ id: 'weekend-freeze', cron: '0 16 * * 5', durationMinutes: 64 * 60, timezone: 'Europe/Berlin', reason: 'weekend freeze' }] } }),
  );
  const at = (iso: string) => ids(policies.evaluate(input(request({ requestedAt: iso }))));
  it('denies inside the window, judged in the window zone', () => {
    expect(at('2026-11-20T14:59:00Z')).toEqual([]); // Friday 15:59 Berlin
    expect(at('2026-11-20T15:00:00Z')).toEqual(['weekend-freeze:deny']); // 16:00 Berlin, the window opens
    expect(at('2026-11-23T06:59:00Z')).toEqual(['weekend-freeze:deny']); // Monday 07:59 Berlin
    expect(at('2026-11-23T07:00:00Z')).toEqual([]); // Monday 08:00: closed
  });
  it('moves with DST: 16:00 Berlin is 14:00Z in summer', () => {
    expect(at('2026-07-03T13:59:00Z')).toEqual([]);
    expect(at('2026-07-03T14:00:00Z')).toEqual(['weekend-freeze:deny']);
  });
  it('deny wins over an allow-style rule', () => {
    const both = compilePolicies(
      config({
        policies: {
          rules: [{ id: 'ok', effect: 'warn', reason: 'fine', when: [{ field: 'serviceId', op: 'eq', value: 'svc' }] }],
          freezeWindows: [{ id: 'freeze', cron: '0 0 * * *', durationMinutes: 1440, reason: 'always' }],
        },
      }),
    );
    expect(ids(both.evaluate(input(request())))).toEqual(['ok:warn', 'freeze:deny']);
  });
});

describe('exceptions', () => {
  const policies = compilePolicies(
    config({
      policies: {
        exceptions: [{ name: 'INC-4411 emergency', policyId: 'no_friday_deployments', services: ['svc'], until: '2026-11-21T00:00:00Z', reason: 'incident fix' }],
      },
    }),
  );
  it('waives the named policy for the named service until its end', () => {
    const friday = request({ requestedAt: '2026-11-20T17:00:00Z' });
    expect(policies.evaluate(input(friday))).toEqual([
      expect.objectContaining({ id: 'no_friday_deployments', effect: 'deny', waivedBy: 'INC-4411 emergency' }),
    ]);
    expect(policies.evaluate(input(friday, service({ id: 'other' })))[0]?.waivedBy).toBeUndefined();
    const nextFriday = request({ requestedAt: '2026-11-27T17:00:00Z' });
    expect(policies.evaluate(input(nextFriday))[0]?.waivedBy).toBeUndefined();
  });
});
