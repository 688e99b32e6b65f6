// The console's engine over HTTP (`genops-tui --server URL`): the deployments and the audit tail are read
// from a `genops-tui serve` once, then kept current from its event stream (/v1/events, resumed with
// Last-Event-ID after any drop, each entry taken once by its seq). An entry names the deployment it touched,
// whose view is then read again from the server, `actions` included, so the console's keys are enabled and
// refused by the engine's own rules. Decisions go through HttpEngineClient.act as the token: the server
// records the token's name, and its refusals (403 for a role, 409 in the engine's words) come back as
// ActionRefused for the status line. Liveness: is the server reachable, is its engine ready (/readyz), is
// the stream connected.
import { FollowedViews } from '../engine/followed-views.js';
import type { DeploymentView } from '../engine/deployment-view.js';
import type { EngineListener } from '../engine/engine.js';
import { ActionRefused } from '../engine/engine.js';
import type { AuditEntry } from '../store/audit-log.js';
import type { OperatorAction } from '../store/submissions.js';
import type { ConsoleEngine } from '../ui/console-engine.js';
import type { Liveness } from '../ui/console-model.js';
import { Backoff, sleep } from './backoff.js';
import { viewOfDetail } from './deployment-view-json.js';
import { actionsForToken } from './token-actions.js';
import type { HttpEngineClient } from './http-client.js';
import { MemoryAuditTrail } from './memory-audit-trail.js';
import { readEvents } from './sse-reader.js';

export interface RemoteTimings {
  /** How often /readyz is asked (it is not rate limited). */
  readyEveryMs: number;
  /** How often deployments touched by events are read again (their reads are coalesced per interval). */
  flushMs: number;
  /** How often in-flight deployments are read again without an event (canary samples, countdowns). */
  inFlightEveryMs: number;
  /** One GET's own timeout. */
  callTimeoutMs: number;
}

const DEFAULT_TIMINGS: RemoteTimings = { readyEveryMs: 1_000, flushMs: 250, inFlightEveryMs: 2_000, callTimeoutMs: 5_000 };
/** Entries in the audit pane at start. */
const TAIL_AT_START = 200;
/** At most this many single reads per flush (the rest wait for the next one). */
const SINGLE_READS_PER_FLUSH = 3;
/**
 * The in-flight list at most this often: with the single reads, at most 13 calls a second in a burst (780 a
 * minute), under the server's default 1,200 a minute per token, leaving room for the operator's decisions.
 */
const BULK_AT_MOST_EVERY_MS = 1_000;
/** States whose view changes between events (samples arrive, a bake runs down, a rollback is retried). */
const SAMPLING = new Set(['canary', 'paused', 'rolling_back', 'rollback_failed']);
/** The first load's time limit (every deployment in full). */
const LOAD_TIMEOUT_MS = 60_000;
/** Deployments read at start (newest first). */
const LOAD_LIMIT = 10_000;

/** The server cannot be used at all (unreachable, or the token refused): said once, before the console opens. */
export class RemoteRefused extends Error {
  constructor(readonly exitCode: 2 | 3, message: string) {
    super(message);
  }
}

export interface WhoAmI {
  name: string;
  role: string;
  permissions: string[];
}

export class RemoteConsoleEngine implements ConsoleEngine {
  readonly audit: MemoryAuditTrail;
  private readonly views = new FollowedViews();
  private readonly dirty = new Set<string>();
  private readonly stop = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  private flushing = false;
  private lastFlushAt = 0;
  /** A flush asked for by an event, at the soonest time the interval allows. */
  private soon: NodeJS.Timeout | undefined;
  private lastInFlightRead = 0;
  private pausedUntil = 0;
  /** What the last /readyz said: undefined when it could not be asked. */
  private ready: boolean | undefined;
  private reachable = true;
  private lastReadyAt: number | undefined;
  private lastProblem = '';
  private streamConnected = false;
  /** Set when the stream is refused for the token (expired, revoked): the console sees nothing new. */
  private tokenRefused: string | undefined;
  private streamChangedAt = Date.now();
  /** Deployments the server answered with something the console cannot draw (reported, not shown). */
  readonly problems: string[] = [];
  /** Entries the stream delivered, and those it repeated after a reconnect (dropped by seq). */
  readonly received = { entries: 0, repeated: 0, reconnects: 0 };

  private constructor(
    private readonly base: string,
    private readonly token: string,
    private readonly client: HttpEngineClient,
    readonly me: WhoAmI,
    private readonly timings: RemoteTimings,
  ) {
    this.audit = new MemoryAuditTrail(
      async (id) => {
        const got = await this.read(`/v1/audit?deployment=${encodeURIComponent(id)}&n=5000`);
        if (got.status !== 200) throw new Error(`HTTP ${got.status}`);
        return (got.json.entries as AuditEntry[] | undefined) ?? [];
      },
      () => this.emitAll(),
    );
  }

  /**
   * Who the token is, the audit tail, then every deployment (in that order: anything that changes after the
   * tail was read arrives as an event and is read again, so nothing between the two reads is missed).
   */
  static async open(server: string, token: string, client: HttpEngineClient, timings: Partial<RemoteTimings> = {}): Promise<RemoteConsoleEngine> {
    const base = server.replace(/\/+$/, '');
    const t = { ...DEFAULT_TIMINGS, ...timings };
    const probe = new RemoteConsoleEngine(base, token, client, { name: '', role: '', permissions: [] }, t);
    const who = await probe.getOrRefuse('/v1/whoami');
    const me: WhoAmI = { name: String(who.name), role: String(who.role), permissions: Array.isArray(who.permissions) ? who.permissions.map(String) : [] };
    const engine = new RemoteConsoleEngine(base, token, client, me, t);
    const tail = await engine.getOrRefuse(`/v1/audit?n=${TAIL_AT_START}`);
    for (const e of (tail.entries as AuditEntry[] | undefined) ?? []) engine.audit.add(e);
    // Every deployment in full in one answer: it may be large, so it has longer than one call's usual time.
    const listed = await engine.getOrRefuse(`/v1/deployments?detail=true&limit=${LOAD_LIMIT}`, LOAD_TIMEOUT_MS);
    for (const d of (listed.deployments as unknown[] | undefined) ?? []) engine.apply(d);
    // A server restarted since they finished lists only what its engine holds; the audit tail names the
    // recent ones it left out, which its detail route still answers: they are read one by one.
    for (const e of engine.audit.tail(TAIL_AT_START)) if (e.deploymentId !== null && !engine.views.has(e.deploymentId)) engine.dirty.add(e.deploymentId);
    await engine.askReady();
    return engine;
  }

  /** Follows the event stream, the engine's readiness and the in-flight deployments until close(). */
  start(): void {
    void this.follow();
    this.timers.push(setInterval(() => void this.askReady(), this.timings.readyEveryMs));
    this.timers.push(setInterval(() => void this.flush(), this.timings.flushMs));
  }

  close(): void {
    this.stop.abort();
    clearTimeout(this.soon);
    for (const t of this.timers) clearInterval(t);
  }

  get deployments(): DeploymentView[] {
    return this.views.all;
  }

  get(id: string): DeploymentView | undefined {
    return this.views.get(id);
  }

  on(listener: EngineListener): () => void {
    return this.views.on(listener);
  }

  /** The header's engine meter: the server, its engine's lease (/readyz), the event stream. */
  liveness(now = Date.now()): Liveness {
    const since = this.lastReadyAt === undefined ? undefined : Math.max(0, now - this.lastReadyAt);
    if (!this.reachable) return { state: 'gone', ageMs: since, detail: `server unreachable${this.lastProblem ? `: ${this.lastProblem}` : ''}` };
    if (this.tokenRefused) return { state: 'gone', ageMs: since, detail: this.tokenRefused };
    if (this.ready === false) return { state: 'stale', ageMs: since, detail: 'server up, its engine is not ready' };
    if (!this.streamConnected) return { state: 'stale', ageMs: Math.max(0, now - this.streamChangedAt), detail: 'event stream reconnecting' };
    return { state: 'alive', ageMs: since, detail: 'stream connected' };
  }

  // --- reading -------------------------------------------------------------------------------------------

  private async read(path: string, auth = true, timeoutMs = this.timings.callTimeoutMs): Promise<{ status: number; json: Record<string, unknown>; retryAfter: number }> {
    const res = await fetch(`${this.base}${path}`, {
      headers: { ...(auth ? { authorization: `Bearer ${this.token}` } : {}), accept: 'application/json' },
      signal: AbortSignal.any([this.stop.signal, AbortSignal.timeout(timeoutMs)]),
    });
    const text = await res.text();
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = { message: text.slice(0, 300) };
    }
    return { status: res.status, json, retryAfter: Number(res.headers.get('retry-after')) || 0 };
  }

  /** A read the console cannot open without: a refusal or an unreachable server ends it with a clear line. */
  private async getOrRefuse(path: string, timeoutMs?: number): Promise<Record<string, unknown>> {
    let got;
    try {
      got = await this.read(path, true, timeoutMs);
    } catch (error) {
      throw new RemoteRefused(3, `cannot reach ${this.base}: ${describe(error)}`);
    }
    if (got.status === 401) throw new RemoteRefused(2, `the server refused the token in GENOPS_TOKEN: ${String(got.json.message ?? 'unauthorized')}`);
    if (got.status === 403) throw new RemoteRefused(2, `the token may not read deployments: ${String(got.json.message ?? 'forbidden')}`);
    if (got.status !== 200) throw new RemoteRefused(3, `${this.base}${path.split('?')[0] ?? ''} answered HTTP ${got.status}: ${String(got.json.message ?? '')}`);
    return got.json;
  }

  private async askReady(): Promise<void> {
    const before = JSON.stringify(this.liveness(0));
    try {
      const got = await this.read('/readyz', false);
      this.reachable = true;
      this.ready = got.status === 200;
      if (this.ready) this.lastReadyAt = Date.now();
    } catch (error) {
      if (this.stop.signal.aborted) return;
      this.reachable = false;
      this.ready = undefined;
      this.lastProblem = describe(error);
    }
    if (JSON.stringify(this.liveness(0)) !== before) this.emitAll();
  }

  /** The event stream from the last seq this console holds; after a drop, again from there. */
  private async follow(): Promise<void> {
    const backoff = new Backoff(100, 2_000);
    const signal = this.stop.signal;
    while (!signal.aborted) {
      try {
        const res = await fetch(`${this.base}/v1/events`, {
          headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream', 'last-event-id': String(this.audit.lastSeq) },
          signal,
        });
        if (res.status === 200 && res.body) {
          this.tokenRefused = undefined;
          this.setStream(true);
          backoff.reset();
          for await (const e of readEvents(res.body, signal)) {
            if (e.event !== 'audit') continue;
            let entry: AuditEntry;
            try {
              entry = JSON.parse(e.data) as AuditEntry;
            } catch {
              continue;
            }
            this.receive(entry);
          }
        } else {
          this.lastProblem = `event stream: HTTP ${res.status}`;
          // The token expired or was revoked while the console ran: said as such, not as a reconnect.
          const refused = res.status === 401 || res.status === 403 ? `the server refuses the token now (HTTP ${res.status})` : undefined;
          if (refused !== this.tokenRefused) {
            this.tokenRefused = refused;
            this.emitAll();
          }
          await res.body?.cancel();
        }
      } catch (error) {
        if (signal.aborted) return;
        this.lastProblem = `event stream: ${describe(error)}`;
      }
      if (signal.aborted) return;
      this.setStream(false);
      this.received.reconnects += 1;
      await sleep(backoff.next(Number.MAX_SAFE_INTEGER) ?? 1_000, signal);
    }
  }

  private setStream(connected: boolean): void {
    if (this.streamConnected === connected) return;
    this.streamConnected = connected;
    this.streamChangedAt = Date.now();
    this.emitAll();
  }

  private receive(entry: AuditEntry): void {
    if (!this.audit.add(entry)) {
      this.received.repeated += 1;
      return;
    }
    this.received.entries += 1;
    if (entry.deploymentId !== null) {
      this.dirty.add(entry.deploymentId);
      this.flushSoon();
    }
    this.views.emit({ kind: 'audit', entry });
  }

  /**
   * Reads again what changed: a few deployments one by one, or, when many changed or the in-flight ones are
   * due, every in-flight deployment in one call (and one by one those that finished meanwhile).
   */
  private async flush(): Promise<void> {
    // One flush per interval, whether the timer or an event asked (a timer may fire a little early).
    if (this.flushing || Date.now() < this.pausedUntil || Date.now() - this.lastFlushAt < this.timings.flushMs - 5) return;
    // Only canaries change without an event (samples, the bake); a gate's countdown is drawn from its expiry.
    const inFlightDue = Date.now() - this.lastInFlightRead >= this.timings.inFlightEveryMs && this.deployments.some((d) => SAMPLING.has(d.state));
    if (this.dirty.size === 0 && !inFlightDue) return;
    this.flushing = true;
    this.lastFlushAt = Date.now();
    try {
      const bulkAllowed = Date.now() - this.lastInFlightRead >= BULK_AT_MOST_EVERY_MS;
      if (inFlightDue || (this.dirty.size > SINGLE_READS_PER_FLUSH && bulkAllowed)) await this.readInFlight();
      const single = [...this.dirty].slice(0, SINGLE_READS_PER_FLUSH);
      await Promise.all(single.map((id) => this.readOne(id)));
    } catch (error) {
      // Unreachable: the liveness meter says so; the deployments stay dirty and are read when it is back.
      if (!this.stop.signal.aborted) this.lastProblem = describe(error);
    } finally {
      this.flushing = false;
    }
  }

  /** A lone event is read at once, a burst at most once per interval (the rate budget above holds). */
  private flushSoon(): void {
    if (this.soon !== undefined || this.stop.signal.aborted) return;
    const wait = Math.max(0, this.lastFlushAt + this.timings.flushMs - Date.now());
    this.soon = setTimeout(() => {
      this.soon = undefined;
      void this.flush();
    }, wait);
  }

  private async readInFlight(): Promise<void> {
    const got = await this.read(`/v1/deployments?inFlight=true&detail=true&limit=${LOAD_LIMIT}`);
    if (this.tooMany(got)) return;
    if (got.status !== 200) return;
    this.lastInFlightRead = Date.now();
    const seen = new Set<string>();
    for (const d of (got.json.deployments as unknown[] | undefined) ?? []) {
      const view = this.apply(d);
      if (view) {
        seen.add(view.id);
        this.dirty.delete(view.id);
      }
    }
    // In flight here and not there: finished meanwhile, read one by one.
    for (const d of this.views.all) if (d.outcome === null && !seen.has(d.id)) this.dirty.add(d.id);
  }

  private async readOne(id: string): Promise<void> {
    const got = await this.read(`/v1/deployments/${encodeURIComponent(id)}`);
    if (this.tooMany(got)) return;
    this.dirty.delete(id);
    if (got.status === 200) this.apply(got.json);
  }

  /** 429: the token's rate limit; reads wait as long as the server asks. */
  private tooMany(got: { status: number; retryAfter: number }): boolean {
    if (got.status !== 429) return false;
    this.pausedUntil = Date.now() + Math.max(1, got.retryAfter) * 1_000;
    return true;
  }

  /** A deployment's detail into its view: the same object when known, so the selection and rows stay put. */
  private apply(json: unknown): DeploymentView | undefined {
    const parsed = viewOfDetail(json);
    if ('problem' in parsed) {
      if (this.problems.length < 100) this.problems.push(parsed.problem);
      return undefined;
    }
    const view = parsed.view;
    view.actions = actionsForToken(view, this.me);
    const current = this.views.upsert(view);
    this.views.emit({ kind: 'changed', deployment: current });
    return current;
  }

  private emitAll(): void {
    const any = this.deployments[0];
    if (any) this.views.emit({ kind: 'changed', deployment: any });
  }

  // --- deciding ------------------------------------------------------------------------------------------

  /** Over HTTP the actor is the token's name (`by` is the console's operator, which is that name). */
  private async decide(id: string, action: OperatorAction, reason?: string): Promise<DeploymentView> {
    const answer = await this.client.act(id, action, reason);
    if (answer.result === 'refused') throw new ActionRefused(`the server refused the ${action} of ${id}: ${answer.error}`);
    if (answer.result === 'unanswered') throw new ActionRefused(`the server did not answer (${answer.error}); the ${action} of ${id} may not have been applied: the panes show it if it was`);
    this.dirty.delete(id);
    try {
      await this.readOne(id);
    } catch {
      // Applied; the view follows with the next event.
    }
    const view = this.views.get(id);
    if (!view) throw new ActionRefused(`deployment "${id}" is gone`);
    return view;
  }

  approve(id: string, _by: string, reason?: string): Promise<DeploymentView> {
    return this.decide(id, 'approve', reason);
  }

  reject(id: string, _by: string, reason: string): Promise<DeploymentView> {
    return this.decide(id, 'reject', reason);
  }

  pause(id: string): Promise<DeploymentView> {
    return this.decide(id, 'pause');
  }

  resume(id: string): Promise<DeploymentView> {
    return this.decide(id, 'resume');
  }

  promote(id: string): Promise<DeploymentView> {
    return this.decide(id, 'promote');
  }

  abort(id: string, _by: string, reason: string): Promise<DeploymentView> {
    return this.decide(id, 'abort', reason);
  }

  resolveRollback(id: string, _by: string, reason: string): Promise<DeploymentView> {
    return this.decide(id, 'resolve', reason);
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause : undefined;
  const code = (cause as { code?: string } | undefined)?.code;
  return code ?? cause?.message ?? error.message;
}
