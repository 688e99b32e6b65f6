// The audit entries a deployment's transitions produce. Entries name who acted: ai, human, system or policy.
import type { Assessment } from '../domain/assess.js';
import type { Autonomy } from '../domain/config.js';
import type { DeploymentRequest } from '../domain/schemas.js';
import type { AuditInput } from '../store/audit-log.js';
import { requestDigest } from '../store/row-digests.js';

export function receivedEntries(request: DeploymentRequest, a: Assessment, autonomy: Autonomy, errorBudgetRemaining: number, ts: string): AuditInput[] {
  const id = request.id;
  const entries: AuditInput[] = [
    {
      ts,
      actor: { kind: 'system', id: 'engine' },
      event: 'received',
      deploymentId: id,
      payload: { serviceId: request.serviceId, version: request.version, requestedBy: request.requestedBy, summary: request.change.summary, requestSha256: requestDigest(request) },
    },
    {
      ts,
      actor: { kind: 'ai', id: a.advisor.by },
      event: 'assessed',
      deploymentId: id,
      payload: {
        score: a.score,
        level: a.level,
        confidence: a.confidence,
        similarFailureRate: a.similarFailureRate,
        autonomy,
        errorBudgetRemaining,
        hotfix: request.change.hotfix,
        policies: a.policies.map((p) => ({ id: p.id, effect: p.effect, ...(p.waivedBy ? { waivedBy: p.waivedBy } : {}) })),
        advisor: {
          recommendation: a.advisor.recommendation,
          confidence: a.advisor.confidence,
          rationale: a.advisor.rationale,
          // A model's consultation: model, prompt SHA-256, latency, tokens, the answer's hash, why it fell back.
          ...(a.advisor.fallbackReason ? { fallbackReason: a.advisor.fallbackReason } : {}),
          ...(a.advisor.call ? { call: { ...a.advisor.call } } : {}),
        },
        evidence: a.evidence.map((e) => e.deploymentId),
      },
    },
  ];
  for (const p of a.policies.filter((p) => p.waivedBy)) {
    entries.push({ ts, actor: { kind: 'policy', id: p.id }, event: 'policy_waived', deploymentId: id, payload: { policyId: p.id, exception: p.waivedBy, effect: p.effect } });
  }
  entries.push({ ts, actor: { kind: 'policy', id: 'governance' }, event: 'decided', deploymentId: id, payload: { action: a.decision.action, plan: a.decision.plan, reasons: a.decision.reasons } });
  return entries;
}
