// The HTTP API as one table: method, path, the permission it needs, its schemas and its handler. The app
// registers it, /openapi.json is generated from it and the authorization matrix test walks it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ZodType } from 'zod';
import type { Clock } from '../engine/clock.js';
import type { DeploymentView } from '../engine/deployment-view.js';
import type { Engine } from '../engine/engine.js';
import { ActionRefused } from '../engine/engine.js';
import { requestSchema } from '../domain/schemas.js';
import type { AuditEntry, AuditInput, VerifyResult } from '../store/audit-log.js';
import type { TokenStore } from '../store/tokens.js';
import { TokenRefused } from '../store/tokens.js';
import type { SubmitBody } from './api-schemas.js';
import { auditQuery, emptyBody, eventsQuery, idParams, listQuery, nameParams, optionalReasonBody, reasonBody, submitBody, tokenBody } from './api-schemas.js';
import type { EventHub } from './event-hub.js';
import type { SubmissionQueue } from './submission-queue.js';
import { SUBMIT_WAIT_MS } from './submission-queue.js';
import { HttpError } from './http-error.js';
import type { ServerMetrics } from './metrics.js';
import type { Permission, Role } from './roles.js';
import { ACTION_PERMISSION, ROLE_PERMISSIONS } from './roles.js';
import { streamEvents } from './sse.js';
import type { FinishedRows } from './deployment-list.js';
import { inMemoryList, listDeployments } from './deployment-list.js';
import { createToken, parseExpiry, revokeToken, tokenJson } from './token-admin.js';
import { deploymentDetail, deploymentSummary } from './views.js';

export interface Identity {
  name: string;
  role: Role;
}

export interface ApiContext {
  engine: Engine;
  stored?: (id: string) => DeploymentView | undefined;
  /** Finished deployments paged from SQLite for the list (`serve`); without it the list is the engine's memory. */
  finishedRows?: FinishedRows;
  /** The engine's submission queue (`serve`): requests over HTTP take the road a local gate's take. */
  queue?: SubmissionQueue;
  /** Verifies the chain off the event loop (worker threads) when it is long; in-line otherwise. */
  verify?: () => Promise<VerifyResult>;
  tokens: TokenStore;
  hub: EventHub;
  clock: Clock;
  metrics: ServerMetrics;
  isReady: () => boolean;
  /** The server's one way to the audit trail outside the engine's own transactions; the stream sees it. */
  append: (entries: readonly AuditInput[]) => AuditEntry[];
  heartbeatMs: number;
  /** Open event streams, each by its close function (ended when the server stops). */
  streams: Set<() => void>;
}

export interface HandlerInput {
  identity: Identity | undefined;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface ApiRoute {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  /** null: public (health, readiness, the OpenAPI document). */
  permission: Permission | null;
  summary: string;
  tag: 'health' | 'deployments' | 'actions' | 'audit' | 'events' | 'tokens';
  body?: ZodType;
  query?: ZodType;
  params?: ZodType;
  /** Actions on someone's request: refused on the caller's own ('forbid') or only on it ('require'). */
  ownership?: 'forbid' | 'require';
  /** Exempt from the per-token rate limit (probes). */
  unlimited?: boolean;
  /**
   * A valid token's calls here are not counted against its rate limit (keep-alives: forty gates on one CI token
   * send 1,200 a minute, and a gate must never lose its deployment to the server's own limit; each succeeds only
   * for the token's own running request). Calls without a valid token are limited, as everywhere.
   */
  exemptValidTokens?: boolean;
  /** Answered 2xx with this status (default 200). */
  status?: number;
  handler: (ctx: ApiContext, input: HandlerInput) => unknown;
}

function deployment(ctx: ApiContext, id: string): DeploymentView {
  const d = ctx.engine.get(id) ?? ctx.stored?.(id);
  if (!d) throw new HttpError(404, `no deployment "${id}"`);
  return d;
}

/** An operator action: the engine's answer, or its refusal as 409 with its words. */
function action(name: string, permission: Permission, body: ZodType, ownership: ApiRoute['ownership'], run: (engine: Engine, id: string, by: string, reason: string | undefined) => DeploymentView): ApiRoute {
  return {
    method: 'POST',
    url: `/v1/deployments/:id/${name}`,
    permission,
    summary: `${name[0]?.toUpperCase()}${name.slice(1)} a deployment; the audit records the token's name`,
    tag: 'actions',
    params: idParams,
    body,
    ...(ownership ? { ownership } : {}),
    handler: (ctx, { params, identity, body: b }) => {
      const id = params.id as string;
      deployment(ctx, id);
      const reason = (b as { reason?: string } | undefined)?.reason;
      try {
        const view = run(ctx.engine, id, (identity as Identity).name, reason);
        return { action: name, by: (identity as Identity).name, deployment: deploymentSummary(view) };
      } catch (error) {
        if (error instanceof ActionRefused) throw new HttpError(409, error.message);
        throw error;
      }
    },
  };
}

async function submit(ctx: ApiContext, { watch, ...body }: SubmitBody, by: string, request: FastifyRequest, reply: FastifyReply): Promise<DeploymentView> {
  const now = ctx.clock.now();
  const candidate = {
    ...body,
    id: body.id ?? `${body.serviceId}-${body.version}-${now.toString(36)}${Math.random().toString(36).slice(2, 6)}`,
    requestedBy: by,
    requestedAt: body.requestedAt ?? new Date(now).toISOString(),
  };
  const parsed = requestSchema.safeParse(candidate);
  if (!parsed.success) throw new HttpError(400, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  if (ctx.queue) {
    // The answer may take a model advisor's time: the connection's idle timeout must not cut it short, and a
    // client that hangs up meanwhile has given up on its request.
    request.raw.setTimeout(SUBMIT_WAIT_MS + 10_000);
    const gone = new AbortController();
    const hungUp = (): void => {
      if (!reply.raw.writableEnded) gone.abort();
    };
    reply.raw.once('close', hungUp);
    try {
      return await ctx.queue.submit(parsed.data, watch === true, gone.signal);
    } finally {
      reply.raw.off('close', hungUp);
    }
  }
  // An engine embedded without a live loop (tests drive its clock) takes the request at once; nothing there
  // withdraws abandoned requests, so `watch` has no effect and keep-alives are answered 409.
  try {
    return ctx.engine.submit(parsed.data, 'api');
  } catch (error) {
    if (error instanceof ActionRefused) throw new HttpError(409, error.message);
    throw error;
  }
}

export const ROUTES: readonly ApiRoute[] = [
  { method: 'GET', url: '/healthz', permission: null, summary: 'The process answers', tag: 'health', unlimited: true, handler: () => ({ status: 'ok' }) },
  {
    method: 'GET', url: '/readyz', permission: null, summary: 'The engine holds the lease and its database answers', tag: 'health', unlimited: true,
    handler: (ctx) => {
      if (!ctx.isReady()) throw new HttpError(503, 'the engine is not driving deployments (no lease)');
      return { status: 'ready', auditHead: ctx.hub.lastSeq };
    },
  },
  { method: 'GET', url: '/openapi.json', permission: null, summary: 'This API as an OpenAPI 3 document', tag: 'health', unlimited: true, handler: (_ctx, { reply }) => reply.server.swagger() },
  {
    method: 'GET', url: '/metrics', permission: 'read', summary: 'Prometheus metrics of the engine and the server', tag: 'health',
    handler: async (ctx, { reply }) => {
      reply.type(ctx.metrics.registry.contentType);
      return ctx.metrics.registry.metrics();
    },
  },
  { method: 'GET', url: '/v1/whoami', permission: 'read', summary: "The token's name, role and permissions", tag: 'tokens', handler: (_ctx, { identity }) => ({ ...(identity as Identity), permissions: ROLE_PERMISSIONS[(identity as Identity).role] }) },
  {
    method: 'GET', url: '/v1/deployments', permission: 'read', summary: 'Deployments, newest request first', tag: 'deployments', query: listQuery,
    handler: (ctx, { query }) => {
      const q = query as { state?: string; inFlight?: 'true' | 'false'; limit?: number; detail?: 'true' | 'false' };
      const page = ctx.finishedRows ? listDeployments(ctx.engine, ctx.finishedRows, ctx.stored, q) : inMemoryList(ctx.engine, q);
      return { count: page.count, deployments: page.deployments.map(q.detail === 'true' ? deploymentDetail : deploymentSummary) };
    },
  },
  { method: 'GET', url: '/v1/deployments/:id', permission: 'read', summary: 'One deployment: request, assessment, stages, samples', tag: 'deployments', params: idParams, handler: (ctx, { params }) => deploymentDetail(deployment(ctx, params.id as string)) },
  {
    method: 'POST', url: '/v1/deployments', permission: 'submit', summary: "Submit a deployment request; requestedBy is the token's name", tag: 'deployments', body: submitBody, status: 201,
    handler: async (ctx, { body, identity, request, reply }) => deploymentDetail(await submit(ctx, body as SubmitBody, (identity as Identity).name, request, reply)),
  },
  {
    method: 'POST', url: '/v1/deployments/:id/keepalive', permission: 'submit', summary: 'A request submitted with watch: true is still waited for (send at least every 2 s; after 10 s of silence the engine withdraws it)', tag: 'deployments', params: idParams, body: emptyBody, ownership: 'require', exemptValidTokens: true,
    handler: (ctx, { params }) => {
      const id = params.id as string;
      deployment(ctx, id);
      const kept = ctx.queue?.keepAlive(id);
      if (!kept) throw new HttpError(409, `"${id}" is not a watched request that is still running`);
      return { id, until: new Date(kept.until).toISOString() };
    },
  },
  action('withdraw', ACTION_PERMISSION.withdraw, optionalReasonBody, 'require', (e, id, by, reason) => e.act('withdraw', id, by, reason)),
  action('approve', ACTION_PERMISSION.approve, optionalReasonBody, 'forbid', (e, id, by, reason) => e.approve(id, by, reason)),
  action('reject', ACTION_PERMISSION.reject, reasonBody, 'forbid', (e, id, by, reason) => e.reject(id, by, reason ?? '')),
  action('pause', ACTION_PERMISSION.pause, emptyBody, undefined, (e, id, by) => e.pause(id, by)),
  action('resume', ACTION_PERMISSION.resume, emptyBody, undefined, (e, id, by) => e.resume(id, by)),
  action('promote', ACTION_PERMISSION.promote, emptyBody, undefined, (e, id, by) => e.promote(id, by)),
  action('abort', ACTION_PERMISSION.abort, optionalReasonBody, undefined, (e, id, by, reason) => e.abort(id, by, reason ?? `aborted by ${by}`)),
  action('resolve', ACTION_PERMISSION.resolve, reasonBody, undefined, (e, id, by, reason) => e.resolveRollback(id, by, reason ?? '')),
  {
    method: 'GET', url: '/v1/audit', permission: 'read', summary: 'Audit entries: the last n, those after a seq, or one deployment\'s', tag: 'audit', query: auditQuery,
    handler: (ctx, { query }) => {
      const q = query as { after?: number; n?: number; deployment?: string };
      const audit = ctx.engine.audit;
      const n = q.n ?? 100;
      if (q.deployment !== undefined) return { entries: audit.forDeployment(q.deployment).filter((e) => e.seq > (q.after ?? 0)).slice(0, n) };
      return { entries: q.after !== undefined ? audit.since(q.after, n) : audit.tail(n) };
    },
  },
  { method: 'GET', url: '/v1/audit/verify', permission: 'read', summary: 'Recompute the hash chain; names the first bad seq', tag: 'audit', handler: (ctx) => (ctx.verify ? ctx.verify() : ctx.engine.audit.verify()) },
  {
    method: 'GET', url: '/v1/audit/head', permission: 'read', summary: 'The last entry\'s seq and hash (anchor it elsewhere)', tag: 'audit',
    handler: (ctx) => {
      const last = ctx.engine.audit.tail(1)[0];
      return { seq: last?.seq ?? 0, hash: last?.hash ?? '0'.repeat(64) };
    },
  },
  {
    method: 'GET', url: '/v1/events', permission: 'read', summary: 'Server-sent events: audit entries, id = seq; Last-Event-ID resumes', tag: 'events', query: eventsQuery,
    handler: (ctx, { query, request, reply }) => streamEvents(ctx, request, reply, query as { after?: number; deployment?: string }),
  },
  { method: 'GET', url: '/v1/tokens', permission: 'tokens', summary: 'Tokens (never their secrets)', tag: 'tokens', handler: (ctx) => ({ tokens: ctx.tokens.list().map((t) => tokenJson(t, ctx.clock.now())) }) },
  {
    method: 'POST', url: '/v1/tokens', permission: 'tokens', summary: 'Create a token; its secret is in this answer only', tag: 'tokens', body: tokenBody, status: 201,
    handler: (ctx, { body, identity }) => {
      const b = body as { name: string; role: Role; expires?: string };
      const now = ctx.clock.now();
      try {
        const { secret, token } = createToken({ tokens: ctx.tokens, audit: ctx.engine.audit, append: ctx.append }, b.name, b.role, parseExpiry(b.expires, now), { kind: 'human', id: (identity as Identity).name }, now);
        return { ...tokenJson(token, now), token: secret };
      } catch (error) {
        if (error instanceof TokenRefused) throw new HttpError(409, error.message);
        throw error;
      }
    },
  },
  {
    method: 'DELETE', url: '/v1/tokens/:name', permission: 'tokens', summary: 'Revoke a token', tag: 'tokens', params: nameParams,
    handler: (ctx, { params, identity }) => {
      if (!revokeToken({ tokens: ctx.tokens, audit: ctx.engine.audit, append: ctx.append }, params.name as string, { kind: 'human', id: (identity as Identity).name }, ctx.clock.now())) throw new HttpError(404, `no active token "${params.name as string}"`);
      return { revoked: params.name };
    },
  },
];
