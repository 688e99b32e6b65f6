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
/** A replay further behind than this many entries is written a page at a time, waiting for the client. */
const LIVE_WITHIN = 100;
/** An open stream's token is checked again at most this often (on its next batch or heartbeat). */
const RECHECK_TOKEN_MS = 1_000;

/**
 * A batch's events as wire bytes, made once however many subscribers the batch goes to (they share the
 * array): one string, one UTF-8 encoding, then one write per subscriber.
 */
const frames = new WeakMap<readonly AuditEntry[], Buffer>();
function framesOf(entries: readonly AuditEntry[]): Buffer {
  let bytes = frames.get(entries);
  if (bytes === undefined) {
    let text = '';
    // JSON.stringify escapes CR and LF, so an entry is one data line whatever its text holds.
    for (const e of entries) text += `id: ${e.seq}\nevent: audit\ndata: ${JSON.stringify(e)}\n\n`;
    frames.set(entries, (bytes = Buffer.from(text, 'utf8')));
  }
  return bytes;
}

export function cursorOf(request: FastifyRequest, after: number | undefined, head: number): number {
  const header = request.headers['last-event-id'];
  let cursor = after ?? head;
  if (typeof header === 'string' && header !== '') {
    if (!/^\d{1,15}$/.test(header)) throw new HttpError(400, 'Last-Event-ID must be an audit seq (a non-negative integer)');
    cursor = Number(header);
  }
  // A cursor past the head would wait in silence until the trail caught up: a cursor from another database,
  // or from before a restore. Said, not waited on.
  if (cursor > head) throw new HttpError(400, `the cursor ${cursor} is past the audit trail's head (${head}): a cursor from another server or from before a restore? Resume from ${head} or less`);
  return cursor;
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
  // Assigned below; a replay may cut the stream off before subscribe returns.
  let unsubscribe = (): void => undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  const close = (): void => {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(heartbeat);
    ctx.streams.delete(close);
    res.end();
  };
  // A token revoked (or expired) while its stream is open stops reading the trail: checked again before a batch
  // goes out (at most once a second) and at every heartbeat, since revoking happens in another request or process.
  const secret = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  let checkedAt = ctx.clock.now();
  const tokenGone = (): boolean => {
    const now = ctx.clock.now();
    if (now - checkedAt < RECHECK_TOKEN_MS) return false;
    checkedAt = now;
    const c = ctx.tokens.check(secret, now);
    if (c.ok) return false;
    res.write(`: the token is ${c.reason === 'expired' ? 'expired' : 'revoked'}; the stream ends\n\n`);
    close();
    return true;
  };
  const send = (entries: readonly AuditEntry[]): void | false => {
    if (closed || tokenGone()) return false;
    res.write(framesOf(entries));
    // A subscriber this far behind would hold the server's memory: it is cut off with a last comment saying
    // so, and resumes from the last id it read (EventSource and our clients reconnect with Last-Event-ID).
    if (res.writableLength > MAX_BUFFERED) {
      res.write(`: too far behind (over ${MAX_BUFFERED} bytes unread); reconnect with Last-Event-ID\n\n`);
      close();
      return false;
    }
  };
  ctx.streams.add(close);
  // The response's 'close' is the connection going away. (A GET request's own 'close' fires as soon as its
  // empty body has been read, so it cannot be used.)
  res.once('close', close);
  void catchUp(after);

  /**
   * A long replay goes a page at a time, each written once the client has taken the one before, so a client
   * far behind costs the server one page of memory, not its whole backlog; near the head the hub replays the
   * rest and goes live in one synchronous step (nothing lost between the two, nothing twice).
   */
  async function catchUp(from: number): Promise<void> {
    let cursor = from;
    while (query.deployment === undefined && !closed && ctx.hub.lastSeq - cursor > LIVE_WITHIN) {
      const page = ctx.hub.page(cursor);
      const last = page[page.length - 1];
      if (last === undefined) break;
      cursor = last.seq;
      if (!res.write(framesOf(page))) await drained();
      ctx.hub.flush();
    }
    if (closed) return;
    const stop = ctx.hub.subscribe(cursor, send, query.deployment);
    if (closed) return;
    unsubscribe = (): void => void stop();
    heartbeat = setInterval(() => {
      if (!tokenGone()) res.write(': ping\n\n');
    }, ctx.heartbeatMs);
    heartbeat.unref();
  }

  function drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.once('drain', done);
      res.once('close', done);
    });
  }
}
