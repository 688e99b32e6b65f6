// The HTTP API: Fastify 5 over the engine. Every route comes from the table in routes.ts; this file wires
// validation (zod), authentication and roles, the per-token rate limit, refusals (audited) and errors.
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { z } from 'zod';
import type { ZodType } from 'zod';
import type { Clock } from '../engine/clock.js';
import type { DeploymentView } from '../engine/deployment-view.js';
import type { Engine } from '../engine/engine.js';
import { firstDuplicateKey } from '../domain/duplicate-keys.js';
import { sameIdentity } from '../domain/identity.js';
import { sanitize } from '../domain/sanitize.js';
import type { AuditInput, VerifyResult } from '../store/audit-log.js';
import type { TokenCheck, TokenStore } from '../store/tokens.js';
import { IDENTITY_FIELDS } from './api-schemas.js';
import type { FinishedRows } from './deployment-list.js';
import { EventHub } from './event-hub.js';
import type { SubmissionQueue } from './submission-queue.js';
import { errorCode, HttpError } from './http-error.js';
import { serverMetrics } from './metrics.js';
import type { ApiContext, ApiRoute, Identity } from './routes.js';
import { ROUTES } from './routes.js';
import { can } from './roles.js';
import type { Permission } from './roles.js';

export interface ServerDeps {
  engine: Engine;
  tokens: TokenStore;
  clock: Clock;
  /** True while this process's engine holds the lease. */
  isReady: () => boolean;
  /** Finished deployments the engine does not hold in memory (they finished before this process started). */
  stored?: (id: string) => DeploymentView | undefined;
  /** Finished deployments paged from SQLite, so the list does not need them in memory (`serve`). */
  finishedRows?: FinishedRows;
  /** Verifies the chain off the event loop when it is long (`serve` gives worker threads). */
  verify?: () => Promise<VerifyResult>;
  /** The engine's submission queue (`serve`); without it (an engine with no live loop) requests go straight in. */
  queue?: SubmissionQueue;
}

export interface ServerOptions {
  /** Largest request body, bytes. */
  bodyLimit?: number;
  /** Requests per token (or per address, for calls without a valid token) per window. */
  rateLimit?: { max: number; windowMs: number };
  /** A request's headers and body must arrive within this (slow clients get 408). */
  requestTimeoutMs?: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs?: number;
  heartbeatMs?: number;
  https?: { key: Buffer; cert: Buffer };
}

export const DEFAULTS = { bodyLimit: 64 * 1024, rateLimit: { max: 1_200, windowMs: 60_000 }, requestTimeoutMs: 10_000, keepAliveTimeoutMs: 5_000, heartbeatMs: 15_000 } as const;

export interface Server {
  app: FastifyInstance;
  ctx: ApiContext;
  close(): Promise<void>;
}

type RouteConfig = { permission: Permission | null; route: ApiRoute };

function bearer(request: FastifyRequest): string | undefined {
  const h = request.headers.authorization;
  if (h === undefined) return undefined;
  const m = /^Bearer ([^\s]+)$/i.exec(h);
  return m ? m[1] : '';
}

/** One JSON schema per zod schema, for the OpenAPI document; validation itself stays with zod. */
const zodOf = new WeakMap<object, ZodType>();
function jsonSchema(schema: ZodType): Record<string, unknown> {
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  zodOf.set(json, schema);
  return json;
}

function validate(schema: ZodType, data: unknown, part: string): { value: unknown } | { error: Error } {
  if (part === 'body' && data !== null && typeof data === 'object' && !Array.isArray(data)) {
    const named = IDENTITY_FIELDS.find((f) => Object.hasOwn(data, f));
    if (named) return { error: new HttpError(400, `"${named}" is not accepted over HTTP: identity comes from the token, and the audit records the token's name`) };
  }
  const parsed = schema.safeParse(data ?? (part === 'body' ? {} : data));
  if (parsed.success) return { value: parsed.data };
  const where = part === 'querystring' ? 'query' : part;
  return { error: new HttpError(400, parsed.error.issues.map((i) => `${[where, ...i.path.map(String)].join('.')}: ${i.message}`).join('; ')) };
}

/** The body, failing with 408 unless it has all arrived within `ms`. */
function timedBody(payload: Readable & { receivedEncodedLength?: number }, ms: number): Readable {
  const timed = new PassThrough() as PassThrough & { receivedEncodedLength: number };
  timed.receivedEncodedLength = 0;
  const timer = setTimeout(() => timed.destroy(new HttpError(408, `the request body did not arrive within ${ms} ms`)), ms);
  payload.on('data', (chunk: Buffer) => {
    timed.receivedEncodedLength += chunk.length;
  });
  payload.once('end', () => clearTimeout(timer));
  payload.once('error', (error) => {
    clearTimeout(timer);
    timed.destroy(error);
  });
  timed.once('close', () => clearTimeout(timer));
  // Fastify takes the error from its own listener and answers 408; this one keeps it from being "unhandled".
  timed.on('error', () => undefined);
  payload.pipe(timed);
  return timed;
}

export async function buildServer(deps: ServerDeps, options: ServerOptions = {}): Promise<Server> {
  const o = { ...DEFAULTS, ...options };
  // fastify's type for an https instance differs only in the raw server type; both serve the same routes.
  const app = Fastify({
    bodyLimit: o.bodyLimit,
    // The body's own deadline (timedBody) answers 408 first; this one drops clients that never finish headers.
    requestTimeout: o.requestTimeoutMs * 2,
    keepAliveTimeout: o.keepAliveTimeoutMs,
    connectionTimeout: o.requestTimeoutMs * 3,
    forceCloseConnections: true,
    return503OnClosing: true,
    logger: false,
    // Node checks request timeouts every 30 s by default: too coarse to answer a slow client with 408 in time.
    http: { connectionsCheckingInterval: Math.min(1_000, Math.ceil(o.requestTimeoutMs / 4)) },
    ...(o.https ? { https: { ...o.https, connectionsCheckingInterval: Math.min(1_000, Math.ceil(o.requestTimeoutMs / 4)) } } : {}),
  }) as unknown as FastifyInstance;
  // Fastify's JSON parser (prototype poisoning refused), then one more refusal: a key named twice in an object.
  // JSON.parse would keep the last one, so a body could say one thing to a proxy or a log and another to us.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    parseJson(request, text, (error, value) => {
      if (error) return done(error, undefined);
      const twice = firstDuplicateKey(text);
      if (twice) return done(new HttpError(400, `body: the key "${sanitize(twice.key, 80)}" appears twice in ${sanitize(twice.path, 120)}; give each field once`), undefined);
      done(null, value);
    });
  });
  const hub = new EventHub(deps.engine.audit);
  const stopHub = deps.engine.on((e) => {
    if (e.kind === 'audit') hub.pokeAfterTask();
  });
  const metrics = serverMetrics(deps.engine, hub);
  const ctx: ApiContext = {
    ...deps,
    hub,
    metrics,
    heartbeatMs: o.heartbeatMs,
    streams: new Set(),
    append: (entries) => {
      const out = deps.engine.audit.append(entries);
      hub.poke();
      return out;
    },
  };

  // Who calls, decided once per request (the rate limiter keys on it before the route's own check).
  const checks = new WeakMap<FastifyRequest, TokenCheck>();
  const checkOf = (request: FastifyRequest): TokenCheck => {
    let c = checks.get(request);
    if (!c) checks.set(request, (c = deps.tokens.check(bearer(request), deps.clock.now())));
    return c;
  };

  const refuse = (request: FastifyRequest, error: HttpError): void => {
    const c = checks.get(request);
    const who = c?.ok ? c.token.name : (c?.name ?? null);
    const why = error.why ?? (error.statusCode === 401 ? 'unauthenticated' : 'forbidden');
    metrics.refusals.inc({ reason: why });
    const entry: AuditInput = {
      ts: new Date(deps.clock.now()).toISOString(),
      actor: { kind: 'system', id: 'server' },
      event: 'access_denied',
      deploymentId: null,
      payload: { status: error.statusCode, why, token: who, ...(c?.ok ? { role: c.token.role } : {}), method: request.method, route: request.routeOptions.url ?? request.url.slice(0, 200), ...(typeof (request.params as Record<string, unknown> | undefined)?.id === 'string' ? { deployment: (request.params as Record<string, string>).id } : {}), ip: request.ip, message: error.message },
    };
    try {
      ctx.append([entry]);
    } catch {
      // The refusal stands even if the database cannot take the entry now; the caller still gets 401/403.
    }
  };

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'genops-tui engine API', version: '1', description: 'The governance engine over HTTP. Every call but /healthz, /readyz and /openapi.json needs `Authorization: Bearer <token>`; the role table is in the README.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    max: o.rateLimit.max,
    timeWindow: o.rateLimit.windowMs,
    keyGenerator: (request) => {
      const c = checkOf(request);
      return c.ok ? `token:${c.token.name}` : `addr:${request.ip}`;
    },
    allowList: (request, key) => key.startsWith('token:') && (request.routeOptions.config as Partial<RouteConfig> | undefined)?.route?.exemptValidTokens === true,
    errorResponseBuilder: (_request, context) => new HttpError(429, `rate limit: at most ${context.max} requests per ${Math.round(o.rateLimit.windowMs / 1000)} s for this token; retry in ${context.after}`),
  });

  app.setValidatorCompiler(({ schema, httpPart }) => {
    const zod = zodOf.get(schema as object);
    if (!zod) throw new Error('a route schema without its zod schema');
    return (data: unknown) => validate(zod, data, httpPart ?? 'body');
  });
  // Answers are plain data; response schemas would only filter them.
  app.setSerializerCompiler(() => (data: unknown) => JSON.stringify(data));

  // Authentication and roles, after the rate limit (onRequest) and before the body is read; then a body
  // that does not arrive in time is answered 408 (Node itself would only drop the socket).
  app.addHook('preParsing', async (request, _reply, payload) => {
    const config = request.routeOptions.config as Partial<RouteConfig> | undefined;
    const permission = config?.permission;
    if (permission === undefined || permission === null) return payload;
    const c = checkOf(request);
    if (!c.ok) {
      const words = { missing: 'no token: send Authorization: Bearer <token>', malformed: 'the token is not a genops-tui token', unknown: 'unknown token', wrong: 'wrong token', expired: 'the token has expired', revoked: 'the token was revoked' }[c.reason];
      throw new HttpError(401, words, c.reason === 'malformed' || c.reason === 'unknown' ? 'wrong' : c.reason);
    }
    if (!can(c.token.role, permission)) throw new HttpError(403, `role ${c.token.role} may not ${permission} (token "${c.token.name}")`, 'role');
    // Only a request that has a body gets a body deadline (a GET's empty stream is never read to its end).
    const hasBody = request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
    return hasBody ? timedBody(payload, o.requestTimeoutMs) : payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    metrics.requests.inc({ route: request.routeOptions.url ?? 'unknown', method: request.method, status: String(reply.statusCode) });
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = error instanceof HttpError ? error.statusCode : error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status === 401 || status === 403) refuse(request, error instanceof HttpError ? error : new HttpError(status, error.message));
    if (status === 401) reply.header('www-authenticate', 'Bearer realm="genops-tui"');
    // Fastify's own 4xx (bad JSON, too large, wrong media type, timeouts) say what is wrong; 5xx say nothing more.
    const message = status < 500 || status === 503 ? error.message : 'internal error';
    if (status >= 500 && status !== 503) request.log.error(error);
    void reply.code(status).send({ error: errorCode(status), message });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.slice(0, 200)}` });
  });

  for (const route of ROUTES) {
    const schema: Record<string, unknown> = {
      summary: route.summary,
      tags: [route.tag],
      ...(route.permission ? { security: [{ bearer: [] }], description: `Needs permission \`${route.permission}\`.${route.ownership === 'forbid' ? ' Refused (403) on the caller\'s own request.' : route.ownership === 'require' ? ' Only on the caller\'s own request.' : ''}` } : {}),
      ...(route.body ? { body: jsonSchema(route.body) } : {}),
      ...(route.query ? { querystring: jsonSchema(route.query) } : {}),
      ...(route.params ? { params: jsonSchema(route.params) } : {}),
    };
    app.route({
      method: route.method,
      url: route.url,
      schema,
      // Route config is typed by fastify's module augmentation; ours carries the permission and the route.
      config: { permission: route.permission, route, ...(route.unlimited ? { rateLimit: false } : {}) } as Record<string, unknown>,
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const c = checks.get(request);
        const identity: Identity | undefined = c?.ok ? { name: c.token.name, role: c.token.role } : undefined;
        const params = (request.params ?? {}) as Record<string, string>;
        if (route.ownership && identity && typeof params.id === 'string') {
          const d = deps.engine.get(params.id);
          // The engine's four-eyes rule compares identities the same way (case, spaces and width aside).
          const own = d !== undefined && sameIdentity(d.request.requestedBy, identity.name);
          if (d && route.ownership === 'forbid' && own) throw new HttpError(403, `"${identity.name}" requested "${params.id}" and cannot decide it`, 'own_request');
          if (d && route.ownership === 'require' && !own) throw new HttpError(403, `"${params.id}" was requested by someone else; only its requester may ${route.url.endsWith('/keepalive') ? 'keep it alive' : 'withdraw it'}`, 'not_own_request');
        }
        const result = await route.handler(ctx, { identity, params, query: (request.query ?? {}) as Record<string, unknown>, body: request.body, request, reply });
        if (reply.sent) return reply;
        return reply.code(route.status ?? 200).send(result);
      },
    });
  }
  await app.ready();

  return {
    app,
    ctx,
    close: async () => {
      for (const close of [...ctx.streams]) close();
      stopHub();
      metrics.stop();
      await app.close();
    },
  };
}
