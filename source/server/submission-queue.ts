// Requests over HTTP take the engine's queue, the road a local gate's request takes: the live loop assesses
// them (a model advisor outside the write transaction, as for any request), refuses stale ones, and a
// request submitted `watch: true` is withdrawn when its client stops sending keep-alives, as a killed
// gate's is. The handler waits for the engine's answer while its client stays connected.
import type { DeploymentRequest } from '../domain/schemas.js';
import type { DeploymentView } from '../engine/deployment-view.js';
import type { Submissions, WaitTime } from '../store/submissions.js';
import { ACCEPT_WINDOW_MS, REAL_TIME } from '../store/submissions.js';
import { HttpError } from './http-error.js';

/** How long one HTTP submission may wait for the engine to take it (a model advisor thinking included). */
export const SUBMIT_WAIT_MS = 120_000;
/** How often a waiting submission's deadline is moved on while its HTTP request is open. */
const RENEW_MS = 2_000;

export interface SubmissionQueueDeps {
  submissions: Submissions;
  /** Runs the engine's loop now rather than at its next poll. */
  wake: () => void;
  /**
   * At most this many of one requester's deployments in flight or queued (`serve --max-in-flight`): a CI job in
   * a loop, or a leaked token, cannot bury the engine and its approvers under requests.
   */
  maxInFlight?: number;
  /** A requester's deployments the engine runs now (not finished). */
  inFlight?: (requester: string) => number;
  /** The engine's view of a deployment, once it has taken the request. */
  view: (id: string) => DeploymentView | undefined;
  /** False when this process's engine does not hold the lease (nothing would take the request). */
  isReady: () => boolean;
  time?: WaitTime;
  /** A watched request's deadline runs this far ahead of its last keep-alive (the engine withdraws it after). */
  windowMs?: number;
  pollMs?: number;
}

export class SubmissionQueue {
  /** Submissions waited on here, by id: told when this process's engine took or refused them. */
  private readonly waiting = new Map<string, () => void>();
  /** Submissions waiting here for the engine, by requester (they count against its limit too). */
  private readonly queued = new Map<string, number>();
  private readonly time: WaitTime;
  readonly windowMs: number;
  private readonly pollMs: number;

  constructor(private readonly deps: SubmissionQueueDeps) {
    this.time = deps.time ?? REAL_TIME;
    this.windowMs = deps.windowMs ?? ACCEPT_WINDOW_MS;
    this.pollMs = deps.pollMs ?? 50;
  }

  /**
   * Queues the request and waits for the engine's answer: its view once taken; HttpError 409 when refused,
   * 503 when no engine takes it in time. `gone` aborts when the client hangs up: a request nobody waits for
   * any more is withdrawn if the engine has not taken it yet.
   */
  async submit(request: DeploymentRequest, watched: boolean, gone?: AbortSignal): Promise<DeploymentView> {
    const { submissions, view } = this.deps;
    if (view(request.id)) throw new HttpError(409, `deployment "${request.id}" already exists: choose a new id`);
    if (!this.deps.isReady()) throw new HttpError(503, 'the engine is not driving deployments (no lease): nothing was submitted');
    const by = request.requestedBy;
    const limit = this.deps.maxInFlight;
    if (limit !== undefined) {
      const mine = (this.deps.inFlight?.(by) ?? 0) + (this.queued.get(by) ?? 0);
      if (mine >= limit) throw new HttpError(429, `${by} has ${mine} deployments in flight or queued, the most one requester may have (serve --max-in-flight ${limit}): nothing was submitted; submit again once one has finished`);
    }
    const start = this.time.now();
    if (!submissions.submit(request, start, start + this.windowMs, watched, 'api')) throw new HttpError(409, `request id "${request.id}" was already submitted`);
    this.queued.set(by, (this.queued.get(by) ?? 0) + 1);
    try {
      return await this.answer(request, start, gone);
    } finally {
      const n = (this.queued.get(by) ?? 1) - 1;
      if (n > 0) this.queued.set(by, n);
      else this.queued.delete(by);
    }
  }

  /** Waits for the engine to take or refuse a queued request (see submit). */
  private async answer(request: DeploymentRequest, start: number, gone?: AbortSignal): Promise<DeploymentView> {
    const { submissions, view } = this.deps;
    this.deps.wake();
    let renewed = start;
    for (;;) {
      const s = submissions.status(request.id);
      if (s?.status === 'refused') throw new HttpError(409, s.error ?? 'refused');
      if (s?.status === 'accepted') {
        const v = view(request.id);
        if (v) return v;
      }
      if (s?.status === 'withdrawn') throw new HttpError(503, `the request was withdrawn: ${s.error ?? ''}`);
      const now = this.time.now();
      const why = gone?.aborted ? 'its HTTP client hung up' : now - start > SUBMIT_WAIT_MS ? `no engine took it within ${SUBMIT_WAIT_MS / 1000} s` : !this.deps.isReady() ? 'the engine stopped driving deployments' : undefined;
      if (why !== undefined) {
        // Withdrawn before any engine took it; if one took it at this very moment, the next look sees it accepted.
        if (submissions.withdrawPending(request.id, why)) throw new HttpError(503, `${why}: the request was withdrawn and will not run`);
        continue;
      }
      if (now - renewed >= Math.min(RENEW_MS, this.windowMs / 3)) {
        renewed = now;
        submissions.keepAlive(request.id, now + this.windowMs);
      }
      // When the engine says it took or refused this one, or after a poll interval (a change made by another
      // process, the client hanging up), whichever is first. Only this request's own handler wakes: in a burst
      // of a hundred, each pass does not send every waiting handler back to the database.
      await Promise.race([new Promise<void>((resolve) => this.waiting.set(request.id, resolve)), this.time.sleep(this.pollMs)]);
      this.waiting.delete(request.id);
    }
  }

  /** This process's engine took or refused the request `id` (committed): its waiting handler looks now. */
  settled(id: string): void {
    this.waiting.get(id)?.();
  }

  /** A watching client is still there: its request's deadline moves on. False when it is not a watched, live request. */
  keepAlive(id: string): { until: number } | undefined {
    if (!this.deps.submissions.isWatched(id)) return undefined;
    const until = this.time.now() + this.windowMs;
    this.deps.submissions.keepAlive(id, until);
    return { until };
  }
}
