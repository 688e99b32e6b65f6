// The shapes the HTTP API accepts, as zod schemas: validated on every request and turned into the JSON
// schemas of /openapi.json, so the document cannot drift from what is checked. Unknown keys are errors.
import { z } from 'zod';
import { changeSchema, requestSchema } from '../domain/schemas.js';
import { ROLES } from './roles.js';

/** Identity comes from the token: a body that names one is refused with a message saying so. */
export const IDENTITY_FIELDS = ['requestedBy', 'as', 'actor', 'by', 'approver', 'operator'] as const;

const reason = z.string().trim().min(1).max(2_000);

export const submitBody = z.strictObject({
  id: requestSchema.shape.id.optional(),
  serviceId: requestSchema.shape.serviceId,
  version: requestSchema.shape.version,
  requestedAt: requestSchema.shape.requestedAt.optional(),
  change: changeSchema,
  pipelineUrl: requestSchema.shape.pipelineUrl,
  /** The caller waits for the outcome and sends keep-alives; when they stop, the engine withdraws the deployment. */
  watch: z.boolean().optional(),
});
export type SubmitBody = z.infer<typeof submitBody>;

export const emptyBody = z.strictObject({});
export const optionalReasonBody = z.strictObject({ reason: reason.optional() });
export const reasonBody = z.strictObject({ reason });

export const idParams = z.strictObject({ id: z.string().min(1).max(200) });
export const nameParams = z.strictObject({ name: z.string().min(1).max(64) });

const count = (max: number) => z.coerce.number().int().min(1).max(max);

export const listQuery = z.strictObject({
  state: z.string().max(40).optional(),
  inFlight: z.enum(['true', 'false']).optional(),
  limit: count(10_000).optional(),
  /** "true": each deployment in full, as GET /v1/deployments/:id answers (a console's first load). */
  detail: z.enum(['true', 'false']).optional(),
});

export const auditQuery = z.strictObject({
  /** Entries after this seq (a reader following the trail); without it, the last `n`. */
  after: z.coerce.number().int().min(0).optional(),
  n: count(5_000).optional(),
  deployment: z.string().min(1).max(200).optional(),
});

export const eventsQuery = z.strictObject({
  /** Replays from after this seq; the Last-Event-ID header wins when both are given. */
  after: z.coerce.number().int().min(0).optional(),
  deployment: z.string().min(1).max(200).optional(),
});

export const tokenBody = z.strictObject({
  name: z.string().min(1).max(64),
  role: z.enum(ROLES),
  /** "90d", "12h", "30m" or "never"; 90 days by default. */
  expires: z.string().max(10).optional(),
});
