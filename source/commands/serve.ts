// `genops-tui serve --listen HOST:PORT`: the engine (with its live loop, so local gates keep working) plus
// the HTTP API. One line per audit event, like `engine`; SIGTERM/SIGINT stop it cleanly.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { VerifyResult } from '../store/audit-log.js';
import { verifyParallel } from '../store/audit-verify.js';
import { sanitize } from '../domain/sanitize.js';
import { buildServer } from '../server/app.js';
import { storedViews } from '../server/stored-view.js';
import { finishedRows } from '../server/deployment-list.js';
import { SubmissionQueue } from '../server/submission-queue.js';
import { Submissions } from '../store/submissions.js';
import type { ServerOptions } from '../server/app.js';
import { TokenStore } from '../store/tokens.js';
import { ENGINE_BUSY_EXIT } from './engine-command.js';
import type { CommandIo } from './io.js';
import { sameIdentity } from '../domain/identity.js';
import { UsageError } from './io.js';
import { startLiveEngine } from './live-engine.js';

/** Finished deployments' views a server keeps in memory (the most recent); older ones come from the store. */
const KEEP_FINISHED = 200;

export interface ServeFlags {
  db?: string;
  catalog?: string;
  config?: string;
  listen?: string;
  tlsCert?: string;
  tlsKey?: string;
  rateLimit?: number;
  maxInFlight?: number;
}

/** One requester's deployments in flight or queued, at most, unless --max-in-flight says otherwise. */
const MAX_IN_FLIGHT = 200;

/** "127.0.0.1:8080", "[::1]:8080", ":8080" (all interfaces). */
export function parseListen(text: string | undefined): { host: string; port: number } {
  if (!text) throw new UsageError('serve needs --listen HOST:PORT (e.g. 127.0.0.1:8080)');
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  const port = Number(m?.[3]);
  if (!m || port > 65_535) throw new UsageError(`--listen: "${text}" is not HOST:PORT`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

export async function serveCommand(flags: ServeFlags, io: CommandIo): Promise<number> {
  const { host, port } = parseListen(flags.listen);
  if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey)) throw new UsageError('--tls-cert and --tls-key go together');
  if (flags.rateLimit !== undefined && !(Number.isInteger(flags.rateLimit) && flags.rateLimit >= 1)) throw new UsageError('--rate-limit must be a positive integer (requests per token per minute)');
  if (flags.maxInFlight !== undefined && !(Number.isInteger(flags.maxInFlight) && flags.maxInFlight >= 1)) throw new UsageError('--max-in-flight must be a positive integer (deployments in flight or queued per requester)');
  const options: ServerOptions = {
    ...(flags.tlsCert && flags.tlsKey ? { https: { cert: readFileSync(flags.tlsCert), key: readFileSync(flags.tlsKey) } } : {}),
    ...(flags.rateLimit ? { rateLimit: { max: flags.rateLimit, windowMs: 60_000 } } : {}),
  };
  const log = (line: string): void => io.out(`${new Date().toISOString()} ${line}`);
  const live = await startLiveEngine(flags, log, io);
  if (!live) return ENGINE_BUSY_EXIT;
  let leased = true;
  // A long chain is verified by worker threads, so the API keeps answering meanwhile (as `audit verify` does).
  const verify = (): Promise<VerifyResult> => verifyParallel(live.ctx.db, live.ctx.path, live.engine.audit.count() > 50_000 ? Math.max(2, Math.min(4, availableParallelism())) : 1);
  const stored = storedViews(live.ctx.db, live.engine.audit, (id) => live.ctx.catalog.get(id)?.service.tier ?? 'medium', live.config.plans);
  // Requests over HTTP take the queue a local gate's take: the live loop assesses them (a model advisor too) and
  // withdraws a watched one whose client went quiet.
  const inFlight = (requester: string): number => live.engine.deployments.filter((d) => d.outcome === null && sameIdentity(d.request.requestedBy, requester)).length;
  const queue = new SubmissionQueue({ submissions: new Submissions(live.ctx.db), wake: () => live.runner.wake(), view: (id) => live.engine.get(id) ?? stored(id), isReady: () => leased, maxInFlight: flags.maxInFlight ?? MAX_IN_FLIGHT, inFlight });
  // A server runs for months: finished deployments leave memory (the most recent stay) and are read from
  // the store when asked; the list pages them from SQLite.
  live.runner.onSettled = (id) => queue.settled(id);
  live.engine.keepFinished(KEEP_FINISHED, stored);
  const server = await buildServer({ engine: live.engine, tokens: new TokenStore(live.ctx.db), clock: { now: () => Date.now() }, isReady: () => leased, stored, verify, queue, finishedRows: finishedRows(live.ctx.db) }, options);
  server.ctx.hub.follow((a) => {
    log(`${a.seq} ${a.actor.kind}:${sanitize(a.actor.id, 40)} ${a.event} ${sanitize(a.deploymentId ?? '-', 60)}`);
  });
  const address = await server.app.listen({ host, port });
  log(`listening on ${address}`);
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (why: string): void => {
      if (stopping) return;
      stopping = true;
      leased = false;
      log(`${why}: stopping; in-flight state is persisted and resumes on the next start`);
      void server.close().finally(() => {
        live.runner.stop();
        live.ctx.history.index.persist();
        live.ctx.close();
        resolve(0);
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    live.runner.onLostLease = () => stop('lease lost');
  });
}
