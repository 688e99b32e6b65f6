// A deployment as GET /v1/deployments/:id answers it, turned back into the view the console's panes draw.
// The server's answer is checked before any pane sees it: a malformed deployment is reported and skipped,
// never half-drawn. Text in it stays untrusted (the panes sanitise what they show).
import { z } from 'zod';
import type { Assessment } from '../domain/assess.js';
import { ACTION_NAMES } from '../engine/operator-actions.js';
import type { DeploymentView, LifecycleState } from '../engine/deployment-view.js';
import type { MetricSample } from '../domain/slo.js';
import { outcomeSchema, requestSchema, tierSchema } from '../domain/schemas.js';

const STATES = ['awaiting_approval', 'blocked', 'rejected', 'expired', 'canary', 'paused', 'rolling_back', 'rollback_failed', 'rolled_back', 'withdrawn', 'promoted'] as const satisfies readonly LifecycleState[];
const VERDICTS = ['Pass', 'Fail', 'Inconclusive', 'Error', 'NoData'] as const;

const instant = z.iso.datetime({ offset: true }).nullable().optional();
const availability = z.union([z.object({ allowed: z.literal(true) }), z.object({ allowed: z.literal(false), why: z.string() })]);

/** The parts of an assessment the panes read; the rest travels along unchecked. */
const assessmentShape = z.looseObject({
  score: z.number(),
  level: z.string(),
  factors: z.array(z.looseObject({})),
  policies: z.array(z.looseObject({})),
  advisor: z.looseObject({}),
  evidence: z.array(z.looseObject({ deploymentId: z.string(), similarity: z.number(), outcome: z.string() })),
  decision: z.looseObject({ action: z.string(), reasons: z.array(z.string()), plan: z.string() }),
});

export const deploymentDetailSchema = z.looseObject({
  id: z.string().min(1),
  tier: tierSchema,
  state: z.enum(STATES),
  stage: z.number().int().nonnegative(),
  outcome: outcomeSchema.nullable(),
  reason: z.string(),
  decidedBy: z.string().nullable(),
  updatedAt: instant,
  finishedAt: instant,
  actions: z.record(z.enum(ACTION_NAMES), availability),
  request: requestSchema,
  assessment: assessmentShape,
  stagePlan: z.array(z.number()),
  stages: z.array(z.object({ stage: z.number(), percent: z.number(), verdict: z.enum(VERDICTS), reason: z.string() })),
  samples: z.array(z.looseObject({ at: z.number() })),
  approvalExpiresAt: instant,
  bakeUntil: instant,
  rollback: z.object({ attempts: z.number(), error: z.string(), retryAt: instant }).nullable().optional(),
});

const ms = (iso: string | null | undefined): number | undefined => (iso ? Date.parse(iso) : undefined);

/** The view of one deployment's detail, or why the server's answer cannot be shown. */
export function viewOfDetail(json: unknown): { view: DeploymentView } | { problem: string } {
  const parsed = deploymentDetailSchema.safeParse(json);
  if (!parsed.success) {
    const id = typeof (json as { id?: unknown } | null)?.id === 'string' ? (json as { id: string }).id : '(no id)';
    return { problem: `deployment ${id}: ${parsed.error.issues.slice(0, 2).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
  }
  const d = parsed.data;
  const updatedAtMs = ms(d.updatedAt) ?? Date.parse(d.request.requestedAt);
  const view: DeploymentView = {
    id: d.id,
    request: d.request,
    tier: d.tier,
    assessment: d.assessment as unknown as Assessment, // the fields the panes read are checked above
    state: d.state,
    plan: d.stagePlan,
    stage: d.stage,
    samples: d.samples as unknown as MetricSample[],
    stages: d.stages,
    reason: d.reason,
    decidedBy: d.decidedBy,
    outcome: d.outcome,
    requestedAtMs: Date.parse(d.request.requestedAt),
    updatedAtMs,
    finishedAtMs: ms(d.finishedAt) ?? null,
    actions: d.actions as DeploymentView['actions'],
  };
  const expires = ms(d.approvalExpiresAt);
  if (expires !== undefined) view.approvalExpiresAtMs = expires;
  const bake = ms(d.bakeUntil);
  if (bake !== undefined) view.bakeUntilMs = bake;
  if (d.rollback) view.rollback = { attempts: d.rollback.attempts, error: d.rollback.error, retryAtMs: ms(d.rollback.retryAt) ?? Number.NaN };
  return { view };
}
