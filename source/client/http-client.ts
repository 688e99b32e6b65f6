// The engine client over HTTP: a token, JSON calls, and the event stream to wait on. Transient failures
// (connection refused or reset, 502/503/504, 429) are retried with backoff within the caller's deadline, so
// a server that restarts while a gate waits is simply waited for.
import type { Assessment } from '../domain/assess.js';
import type { AuditEntry } from '../store/audit-log.js';
import type { OperatorAction } from '../store/submissions.js';
import { Backoff, sleep } from './backoff.js';
import type { ActionAnswer, AwaitOptions, Awaited, DeploymentStatus, EngineClient, SubmitAnswer, SubmitOptions } from './engine-client.js';
import { SUBMIT_WAIT_MS } from '../server/submission-queue.js';
import { HEARTBEAT_MS } from '../store/submissions.js';
import { isFinal } from './engine-client.js';
import { readEvents } from './sse-reader.js';

/** The server answered, and not with success: status and its message. */
export class ApiAnswer extends Error {
  constructor(readonly status: number, readonly error: string, message: string) {
    super(message);
  }
}

/** No answer from the server before the deadline (it is down, unreachable, or kept refusing with 503). */
export class Unreachable extends Error {}

const TRANSIENT_STATUS = new Set([429, 502, 503, 504]);

interface Call {
  status: number;
  json: Record<string, unknown>;
}

function statusOf(j: Record<string, unknown>): DeploymentStatus {
  return {
    id: String(j.id),
    serviceId: String(j.serviceId),
    version: String(j.version),
    requestedBy: String(j.requestedBy),
    state: String(j.state),
    percent: typeof j.percent === 'number' ? j.percent : null,
    outcome: typeof j.outcome === 'string' ? j.outcome : null,
    reason: typeof j.reason === 'string' ? j.reason : '',
    decidedBy: typeof j.decidedBy === 'string' ? j.decidedBy : null,
    assessment: j.assessment as Assessment | undefined,
  };
}

export interface HttpClientOptions {
  /**
   * How long the server may keep failing (ms, from a call's first failure: a slow answer before it does not use
   * it up) before a call without a deadline of its own gives up.
   */
  retryMs?: number;
  /** One HTTP exchange's own timeout (ms). */
  callTimeoutMs?: number;
}

export class HttpEngineClient implements EngineClient {
  readonly transport = 'http' as const;
  private readonly base: string;
  private me: string | undefined;
  private readonly retryMs: number;
  private readonly callTimeoutMs: number;
  onConnectionChange: ((up: boolean, detail: string) => void) | undefined;
  /** Whether the last exchange with the server failed (said once through onConnectionChange). */
  private down = false;

  constructor(server: string, private readonly token: string, options: HttpClientOptions = {}) {
    this.base = server.replace(/\/+$/, '');
    this.retryMs = options.retryMs ?? 10_000;
    this.callTimeoutMs = options.callTimeoutMs ?? 15_000;
  }

  /**
   * One call, retried on transient failures until `until` (by default, retryMs after its first failure); throws
   * Unreachable after it.
   */
  private async call(method: string, path: string, body?: unknown, deadline?: number, signal?: AbortSignal, timeoutMs = this.callTimeoutMs): Promise<Call> {
    const backoff = new Backoff();
    let last = 'no attempt';
    let until = deadline ?? Number.MAX_SAFE_INTEGER;
    const failed = (why: string): void => {
      last = why;
      this.reached(false, why);
      // Without a deadline of its own, a call may keep failing for retryMs from its first failure.
      if (deadline === undefined && until === Number.MAX_SAFE_INTEGER) until = Date.now() + this.retryMs;
    };
    for (;;) {
      try {
        const res = await fetch(`${this.base}${path}`, {
          method,
          headers: { authorization: `Bearer ${this.token}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
        });
        const text = await res.text();
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          json = { message: text.slice(0, 500) };
        }
        if (!TRANSIENT_STATUS.has(res.status)) {
          this.reached(true, '');
          return { status: res.status, json };
        }
        failed(`HTTP ${res.status}: ${String(json.message ?? '')}`);
        const retryAfter = Number(res.headers.get('retry-after'));
        if (res.status === 429 && retryAfter > 0) {
          if (Date.now() + retryAfter * 1000 > until) throw new Unreachable(`${this.base}: ${last}`);
          await sleep(retryAfter * 1000, signal);
          continue;
        }
      } catch (error) {
        if (error instanceof Unreachable) throw error;
        if (signal?.aborted) throw error;
        failed(failureText(error));
      }
      const delay = backoff.next(until);
      if (delay === undefined) throw new Unreachable(`${this.base}: ${last}`);
      await sleep(delay, signal);
      if (signal?.aborted) throw new Unreachable('cancelled');
    }
  }

  /** An exchange succeeded or failed: a change from the last one is told, once. */
  private reached(up: boolean, detail: string): void {
    if (this.down === !up) return;
    this.down = !up;
    this.onConnectionChange?.(up, detail);
  }

  private fail(c: Call): never {
    throw new ApiAnswer(c.status, String(c.json.error ?? 'error'), String(c.json.message ?? `HTTP ${c.status}`));
  }

  async identity(): Promise<string> {
    if (this.me) return this.me;
    const c = await this.call('GET', '/v1/whoami');
    if (c.status !== 200) this.fail(c);
    this.me = String(c.json.name);
    return this.me;
  }

  async submit(request: Parameters<EngineClient['submit']>[0], options: SubmitOptions = {}): Promise<SubmitAnswer> {
    const { requestedBy: _identityComesFromTheToken, ...rest } = request;
    const body = options.watch ? { ...rest, watch: true } : rest;
    // The server may fail for retryMs from the first failure (a restart), never past the caller's own deadline.
    let until: number | undefined;
    let lostAnAnswer = false;
    for (;;) {
      let c: Call;
      try {
        // One attempt at a time: a submission is not idempotent, so a lost answer is checked, not resent blindly.
        // The engine answers once it has assessed the request, a model advisor's time included.
        c = await this.call('POST', '/v1/deployments', body, Date.now(), undefined, SUBMIT_WAIT_MS + 15_000);
      } catch (error) {
        if (!(error instanceof Unreachable)) throw error;
        lostAnAnswer = true;
        until ??= Math.min(Date.now() + this.retryMs, options.until ?? Number.MAX_SAFE_INTEGER);
        if (Date.now() > until) return { result: 'unanswered', error: `no engine answered at the server for ${Math.round(this.retryMs / 1000)} s (${error.message}); the request was not accepted` };
        await sleep(250);
        continue;
      }
      if (c.status === 201) {
        options.onQueued?.();
        return { result: 'accepted', status: statusOf(c.json) };
      }
      if (c.status === 409 && lostAnAnswer) {
        // The first attempt may have landed before the connection broke: it is ours if the token requested it.
        const mine = await this.status(request.id);
        if (mine && mine.requestedBy === (await this.identity()) && mine.version === request.version && mine.serviceId === request.serviceId) {
          options.onQueued?.();
          return { result: 'accepted', status: mine };
        }
      }
      if (c.status === 400 || c.status === 409 || c.status === 401 || c.status === 403) return { result: 'refused', error: String(c.json.message ?? `HTTP ${c.status}`) };
      this.fail(c);
    }
  }

  async status(id: string, until?: number, signal?: AbortSignal): Promise<DeploymentStatus | undefined> {
    const c = await this.call('GET', `/v1/deployments/${encodeURIComponent(id)}`, undefined, until, signal);
    if (c.status === 404) return undefined;
    if (c.status !== 200) this.fail(c);
    return statusOf(c.json);
  }

  async act(id: string, action: OperatorAction, reason?: string): Promise<ActionAnswer> {
    const body = reason !== undefined && reason !== '' ? { reason } : {};
    let c: Call;
    try {
      c = await this.call('POST', `/v1/deployments/${encodeURIComponent(id)}/${action}`, body, Date.now());
    } catch (error) {
      if (!(error instanceof Unreachable)) throw error;
      // Not resent blindly: the action may have been applied before the connection broke. Look, then retry once.
      // (A gate's standing withdrawal is answered by the server at once: there is no queue to leave it in.)
      const until = Date.now() + this.retryMs;
      let seen: DeploymentStatus | undefined;
      try {
        seen = await this.status(id, until);
      } catch (again) {
        if (again instanceof Unreachable) return { result: 'unanswered', error: again.message };
        throw again;
      }
      if (seen && seen.decidedBy === (await this.identity()) && (action === 'approve' || action === 'reject')) return { result: 'done', status: seen };
      try {
        c = await this.call('POST', `/v1/deployments/${encodeURIComponent(id)}/${action}`, body, until);
      } catch (again) {
        if (again instanceof Unreachable) return { result: 'unanswered', error: again.message };
        throw again;
      }
    }
    if (c.status === 200) return { result: 'done', status: statusOf(c.json.deployment as Record<string, unknown>) };
    if (c.status >= 400 && c.status < 500) return { result: 'refused', error: String(c.json.message ?? `HTTP ${c.status}`) };
    this.fail(c);
  }

  async audit(after: number, deployment?: string): Promise<AuditEntry[]> {
    const c = await this.call('GET', `/v1/audit?after=${after}&n=5000${deployment ? `&deployment=${encodeURIComponent(deployment)}` : ''}`);
    if (c.status !== 200) this.fail(c);
    return c.json.entries as AuditEntry[];
  }

  /**
   * Follows the event stream from `after` (one deployment's, when given), reconnecting with Last-Event-ID after
   * any break until the signal aborts. Each entry is handed over once.
   */
  async follow(after: number, onEntry: (entry: AuditEntry) => void | Promise<void>, signal: AbortSignal, deployment?: string): Promise<void> {
    let cursor = after;
    const backoff = new Backoff(100, 1_000);
    while (!signal.aborted) {
      try {
        const res = await fetch(`${this.base}/v1/events${deployment ? `?deployment=${encodeURIComponent(deployment)}` : ''}`, {
          headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream', 'last-event-id': String(cursor) },
          signal,
        });
        if (res.status === 200 && res.body) {
          backoff.reset();
          this.reached(true, '');
          for await (const e of readEvents(res.body, signal)) {
            if (e.event !== 'audit' || e.id === undefined) continue;
            const entry = JSON.parse(e.data) as AuditEntry;
            if (entry.seq <= cursor) continue;
            cursor = entry.seq;
            await onEntry(entry);
          }
        } else if (!TRANSIENT_STATUS.has(res.status)) {
          const text = await res.text();
          let message = text.slice(0, 500);
          try {
            message = String((JSON.parse(text) as { message?: unknown }).message ?? message);
          } catch {
            // not JSON: the text as it came
          }
          throw new ApiAnswer(res.status, 'error', message);
        }
      } catch (error) {
        if (error instanceof ApiAnswer) throw error;
        if (signal.aborted) return;
        this.reached(false, failureText(error));
      }
      await sleep(backoff.next(Number.MAX_SAFE_INTEGER) ?? 1_000, signal);
    }
  }

  /** Waits on the deployment's events; each one is a cue to read its status. Survives server restarts. */
  async awaitOutcome(id: string, options: AwaitOptions): Promise<Awaited> {
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    options.signal?.addEventListener('abort', stop, { once: true });
    const timer = setTimeout(stop, Math.max(0, options.until - Date.now()));
    // Watched: a keep-alive every HEARTBEAT_MS; one lost while the server restarts is made up by the next. One the
    // server refuses (the token revoked or expired) ends the wait at once: the engine will withdraw the request.
    let refused: ApiAnswer | undefined;
    const beat = (): void => {
      this.call('POST', `/v1/deployments/${encodeURIComponent(id)}/keepalive`, {}, Date.now() + HEARTBEAT_MS, controller.signal).then(
        (c) => {
          if (c.status !== 401 && c.status !== 403) return;
          refused ??= new ApiAnswer(c.status, String(c.json.error ?? 'error'), String(c.json.message ?? `HTTP ${c.status}`));
          controller.abort();
        },
        () => undefined,
      );
    };
    const heartbeat = options.keepAlive ? setInterval(beat, HEARTBEAT_MS) : undefined;
    let final: DeploymentStatus | undefined;
    const look = async (): Promise<void> => {
      if (final) return;
      try {
        const s = await this.status(id, options.until, controller.signal);
        if (!s) return;
        options.onStatus?.(s);
        if (isFinal(s)) {
          final = s;
          controller.abort();
        }
      } catch (error) {
        // Unreachable until the deadline, or cancelled: the wait ends with it. Anything else is a real fault.
        if (error instanceof Unreachable || controller.signal.aborted) return;
        throw error;
      }
    };
    // Events only say "look again": one status read at a time, the next one as soon as it ends if any event came
    // meanwhile, so the stream is never held up behind reads.
    let dirty = false;
    let reading: Promise<void> | undefined;
    let fault: unknown;
    const kick = (): void => {
      dirty = true;
      reading ??= (async () => {
        try {
          while (dirty && !final) {
            dirty = false;
            await look();
          }
        } catch (error) {
          fault = error;
          controller.abort();
        } finally {
          reading = undefined;
        }
      })();
    };
    try {
      await look();
      if (!final) await this.follow(0, kick, controller.signal, id);
      await reading;
      if (fault !== undefined) throw fault;
      if (refused !== undefined && !final) throw refused;
    } finally {
      clearTimeout(timer);
      clearInterval(heartbeat);
      options.signal?.removeEventListener('abort', stop);
    }
    if (final) return { result: 'finished', status: final };
    return options.signal?.aborted ? { result: 'cancelled' } : { result: 'timeout' };
  }

  close(): void {
    // fetch keeps no state that needs closing.
  }
}

/** What went wrong with an exchange, in one line: fetch's "fetch failed" says little without its cause. */
function failureText(error: unknown): string {
  return error instanceof Error ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}` : String(error);
}
