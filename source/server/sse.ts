// GET /v1/events: the audit trail as server-sent events. Each event's id is its audit seq, so a client that
// reconnects with Last-Event-ID (or ?after=SEQ) is given exactly the entries after it, then live ones.
// Without a cursor the stream starts at the current head. A client that cannot keep up is disconnected
// rather than buffered without bound; it resumes from its last id.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditEntry } from '../store/audit-log.js';
import type { ApiContext } from './routes.js';
import { HttpError } from './http-error.js';

/** Bytes queued for one slow subscriber before it is cut off (it resumes with Last-Event-ID). */
const MAX_BUFFERED = 4 * 1024 * 1024;

/** One entry's event, serialised once however many subscribers it goes to (they share the entry object). */
const frames = new WeakMap<AuditEntry, string>();
function frameOf(e: AuditEntry): string {
  let frame = frames.get(e);
  // JSON.stringify escapes CR and LF, so an entry is one data line whatever its text holds.
  if (frame === undefined) frames.set(e, (frame = `id: ${e.seq}\nevent: audit\ndata: ${JSON.stringify(e)}\n\n`));
  return frame;
}

export function cursorOf(request: FastifyRequest, after: number | undefined, head: number): number {
  const header = request.headers['last-event-id'];
  if (typeof header === 'string' && header !== '') {
    if (!/^\d{1,15}$/.test(header)) throw new HttpError(400, 'Last-Event-ID must be an audit seq (a non-negative integer)');
    return Number(header);
  }
  return after ?? head;
}

export function streamEvents(ctx: ApiContext, request: FastifyRequest, reply: FastifyReply, query: { after?: number; deployment?: string }): void {
  ctx.hub.flush();
  const after = cursorOf(request, query.after, ctx.hub.lastSeq);
  reply.hijack();
  const res = reply.raw;
  // An open stream is idle by design between events: no socket timeout; heartbeats keep proxies from closing it.
  request.raw.socket.setTimeout(0);
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  res.write(`retry: 1000\n: from ${after}\n\n`);
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(heartbeat);
    ctx.streams.delete(close);
    res.end();
  };
  // The entries of one transaction arrive together: corked, they leave in one write instead of one each.
  let corked = false;
  const uncork = (): void => {
    corked = false;
    res.uncork();
  };
  const send = (e: AuditEntry): void | false => {
    if (closed) return false;
    if (!corked) {
      corked = true;
      res.cork();
      process.nextTick(uncork);
    }
    res.write(frameOf(e));
    if (res.writableLength > MAX_BUFFERED) {
      close();
      return false;
    }
  };
  ctx.streams.add(close);
  const unsubscribe = ctx.hub.subscribe(after, send, query.deployment);
  const heartbeat = setInterval(() => res.write(': ping\n\n'), ctx.heartbeatMs);
  heartbeat.unref();
  // The response's 'close' is the connection going away. (A GET request's own 'close' fires as soon as its
  // empty body has been read, so it cannot be used.)
  res.once('close', close);
}
