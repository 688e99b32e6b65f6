// The engine client over the shared SQLite file: requests and actions go through the engine's queue
// (submissions, operator_actions) and answers are read back from it, as on one host today. Identity is a
// claim (--as or the OS user), recorded as given.
import type { Assessment } from '../domain/assess.js';
import type { AuditEntry } from '../store/audit-log.js';
import { AuditLog } from '../store/audit-log.js';
import type { Db } from '../store/database.js';
import { Lease } from '../store/lease.js';
import type { OperatorAction } from '../store/submissions.js';
import { Submissions } from '../store/submissions.js';
import { sleep } from './backoff.js';
import type { ActionAnswer, AwaitOptions, Awaited, DeploymentStatus, EngineClient, SubmitAnswer } from './engine-client.js';
import { isFinal } from './engine-client.js';

interface Row {
  id: string;
  request: string;
  state: string;
  outcome: string | null;
  failure_reason: string | null;
  assessment: string | null;
}

/** How long a local submission or action waits for the engine to take it. */
export const LOCAL_ANSWER_MS = 10_000;

export class LocalEngineClient implements EngineClient {
  readonly transport = 'local' as const;
  private readonly submissions: Submissions;
  private readonly row;

  constructor(private readonly db: Db, private readonly actor: string, private readonly answerMs = LOCAL_ANSWER_MS, private readonly pollMs = 25) {
    this.submissions = new Submissions(db);
    this.row = db.prepare('SELECT id, request, state, outcome, failure_reason, assessment FROM deployments WHERE id = ?');
  }

  identity(): Promise<string> {
    return Promise.resolve(this.actor);
  }

  /** Whether an engine holds the lease on this database now. */
  engineRunning(): boolean {
    return new Lease(this.db, 'engine', 'client').liveHolder(Date.now()) !== undefined;
  }

  async submit(request: Parameters<EngineClient['submit']>[0]): Promise<SubmitAnswer> {
    const now = Date.now();
    const full = { ...request, requestedBy: request.requestedBy ?? this.actor };
    if (!this.submissions.submit(full, now, now + this.answerMs)) return { result: 'refused', error: `request id "${request.id}" was already submitted` };
    for (;;) {
      const s = this.submissions.status(request.id);
      if (s?.status === 'refused') return { result: 'refused', error: s.error ?? '' };
      if (s?.status === 'accepted') {
        const status = await this.status(request.id);
        if (status) return { result: 'accepted', status };
      }
      if (Date.now() > now + this.answerMs && this.submissions.withdrawPending(request.id, 'no engine took it')) return { result: 'unanswered', error: 'no engine took the request' };
      await sleep(this.pollMs);
    }
  }

  status(id: string): Promise<DeploymentStatus | undefined> {
    const r = this.row.get(id) as Row | undefined;
    if (!r) return Promise.resolve(undefined);
    const request = JSON.parse(r.request) as { serviceId: string; version: string; requestedBy: string };
    // The row's state is "canary 5%" while a canary runs: the lifecycle state and its percent.
    const m = /^(canary|paused) (\d+(?:\.\d+)?)%$/.exec(r.state);
    const decidedBy = this.decider(id);
    return Promise.resolve({
      id,
      serviceId: request.serviceId,
      version: request.version,
      requestedBy: request.requestedBy,
      state: m ? (m[1] as string) : r.state,
      percent: m ? Number(m[2]) : null,
      outcome: r.outcome,
      reason: r.failure_reason ?? '',
      decidedBy,
      assessment: r.assessment ? (JSON.parse(r.assessment) as Assessment) : undefined,
    });
  }

  private decider(id: string): string | null {
    const human = new AuditLog(this.db).forDeployment(id).filter((e) => e.actor.kind === 'human' && ['approved', 'rejected', 'withdrawn', 'aborted'].includes(e.event));
    return human.at(-1)?.actor.id ?? null;
  }

  async awaitOutcome(id: string, options: AwaitOptions): Promise<Awaited> {
    for (;;) {
      const s = await this.status(id);
      if (s) {
        options.onStatus?.(s);
        if (isFinal(s)) return { result: 'finished', status: s };
      }
      if (options.signal?.aborted) return { result: 'cancelled' };
      if (Date.now() > options.until) return { result: 'timeout' };
      await sleep(this.pollMs, options.signal);
    }
  }

  async act(id: string, action: OperatorAction, reason?: string): Promise<ActionAnswer> {
    const now = Date.now();
    const actionId = this.submissions.requestAction(id, action, this.actor, reason, now, now + this.answerMs);
    const answer = await this.submissions.awaitAction(actionId, this.answerMs);
    if (answer === 'unanswered') return { result: 'unanswered', error: `the engine did not answer within ${this.answerMs / 1000} s; the ${action} was withdrawn and will not be applied` };
    if (answer.result === 'done') return { result: 'done' };
    return { result: 'refused', error: answer.error };
  }

  audit(after: number, deployment?: string): Promise<AuditEntry[]> {
    const log = new AuditLog(this.db);
    return Promise.resolve(deployment ? log.forDeployment(deployment).filter((e) => e.seq > after) : log.since(after));
  }

  close(): void {
    // The database belongs to the caller.
  }
}
