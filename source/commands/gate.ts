// `genops-tui gate`: a CI job submits a request, waits for the outcome and exits with a code per outcome.
// Ctrl-C or a CI cancel (SIGINT/SIGTERM) while waiting withdraws the request, and the engine audits it.
import { userInfo } from 'node:os';
import { requestSchema } from '../domain/schemas.js';
import type { DeploymentRequest, Outcome } from '../domain/schemas.js';
import { safeJson } from '../domain/safe-json.js';
import { databaseTrouble, isTransient } from '../store/database-trouble.js';
import { sanitize } from '../domain/sanitize.js';
import type { Assessment } from '../domain/assess.js';
import { InputError, zodProblems } from '../io/input-error.js';
import { loadRequest } from '../io/load.js';
import { AuditLog } from '../store/audit-log.js';
import type { AuditEntry } from '../store/audit-log.js';
import { dbPath, openDatabase } from '../store/database.js';
import type { Db } from '../store/database.js';
import { Lease } from '../store/lease.js';
import { ACCEPT_WINDOW_MS, HEARTBEAT_MS, REAL_TIME, Submissions } from '../store/submissions.js';
import type { WaitTime } from '../store/submissions.js';
import type { CommandIo } from './io.js';
import { UsageError } from './io.js';
import { remoteClient } from '../client/server-flags.js';

/** Exit codes of `gate`, one per outcome (documented in the README). */
export const GATE_EXIT = {
  promoted: 0,
  badInput: 2,
  engineUnavailable: 3,
  timedOut: 4,
  rejected: 10,
  expired: 11,
  blocked: 12,
  rolledBack: 13,
  failed: 14,
  withdrawn: 15,
  /** The rollback command failed: traffic may still be on the bad version; the engine retries, a human resolves. */
  rollbackFailed: 16,
  /** The gate gave up and asked for a withdrawal that no engine confirmed (it stays queued). */
  withdrawalUnconfirmed: 17,
} as const;

export interface GateFlags {
  db?: string;
  request?: string;
  service?: string;
  version?: string;
  lines?: number;
  files?: number;
  migration: boolean;
  configChange: boolean;
  hotfix: boolean;
  summary?: string;
  requestedBy?: string;
  id?: string;
  wait?: string;
  noWait: boolean;
  json: boolean;
  /** A `genops-tui serve` to submit to over HTTP (or GENOPS_SERVER), with GENOPS_TOKEN. */
  server?: string;
}

/** "30s", "15m", "4h", "250ms", or plain seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`--wait: "${text}" is not a duration (e.g. 30s, 15m, 4h)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

export function requestFrom(flags: GateFlags, now: number): DeploymentRequest {
  if (flags.request) return loadRequest(flags.request);
  if (!flags.service || !flags.version) throw new UsageError('gate needs --service and --version (or --request FILE|-)');
  const candidate = {
    id: flags.id ?? `${flags.service}-${flags.version}-${now.toString(36)}`,
    serviceId: flags.service,
    version: flags.version,
    requestedBy: flags.requestedBy ?? process.env.GITHUB_ACTOR ?? userInfo().username,
    requestedAt: new Date(now).toISOString(),
    change: {
      linesChanged: flags.lines ?? 0,
      filesChanged: flags.files ?? 0,
      dbMigration: flags.migration,
      configChange: flags.configChange,
      hotfix: flags.hotfix,
      summary: flags.summary ?? '',
    },
    ...(process.env.GITHUB_SERVER_URL && process.env.GITHUB_REPOSITORY && process.env.GITHUB_RUN_ID
      ? { pipelineUrl: `${process.env.GITHUB_SERVER_URL}/${process.env.GITHUB_REPOSITORY}/actions/runs/${process.env.GITHUB_RUN_ID}` }
      : {}),
  };
  const parsed = requestSchema.safeParse(candidate);
  if (!parsed.success) throw new InputError(zodProblems('(flags)', parsed.error));
  return parsed.data;
}

export interface Row {
  state: string;
  outcome: string | null;
  failure_reason: string | null;
  assessment: string | null;
}

/** How long a gate waits for an engine to take its request before it gives up (exit 3) and withdraws it. */
export { ACCEPT_WINDOW_MS };
/** --no-wait: nobody waits, so the engine must take the request within this or refuse it as stale. */
export const NO_WAIT_ACCEPT_MS = 60_000;
/** The signals that cancel a waiting gate (it withdraws its request, exit 15). */
export const CANCEL_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export { HEARTBEAT_MS };
/** How long a gate that gives up waits for the engine to confirm its withdrawal. */
export const WITHDRAW_CONFIRM_MS = 10_000;

export async function gateCommand(flags: GateFlags, io: CommandIo, signals: NodeJS.EventEmitter = process, time: WaitTime = REAL_TIME): Promise<number> {
  const start = time.now();
  const request = requestFrom(flags, start);
  const waitMs = flags.wait !== undefined ? parseDuration(flags.wait) : 6 * 3_600_000; // --wait= (empty) is an error, not the default
  const remote = remoteClient(flags);
  if (remote) return (await import('../client/http-gate.js')).gateRemotely(remote, request, flags, start, waitMs, io, signals);
  const db = openDatabase(dbPath(flags.db));
  const file = flags.request ?? '(flags)';
  try {
    // Refusals first: a gate only ever reports a deployment its own submission created.
    if (db.prepare('SELECT 1 FROM deployments WHERE id = ?').get(request.id)) {
      throw new InputError([{ file, field: 'id', message: `deployment "${request.id}" already exists (imported history or an earlier run): choose a new id` }]);
    }
    const submissions = new Submissions(db);
    const deadline = start + (flags.noWait ? NO_WAIT_ACCEPT_MS : ACCEPT_WINDOW_MS);
    if (!submissions.submit(request, start, deadline, !flags.noWait)) throw new InputError([{ file, field: 'id', message: `request id "${request.id}" was already submitted` }]);
    const say = (text: string): void => {
      if (!flags.json) io.err(text);
    };
    say(`submitted ${sanitize(request.id)} (${sanitize(request.serviceId)} ${sanitize(request.version)})`);
    if (flags.noWait) {
      if (flags.json) io.out(safeJson({ id: request.id, status: 'submitted', acceptBy: new Date(deadline).toISOString() }));
      else say(`not waiting: an engine must take it by ${new Date(deadline).toISOString()}, or it refuses it as stale`);
      return GATE_EXIT.promoted;
    }
    let cancelled = false;
    const cancel = (): void => {
      cancelled = true;
    };
    // SIGHUP too: a dropped ssh session or a runner that loses its terminal is a cancel, not a reason to vanish.
    for (const signal of CANCEL_SIGNALS) signals.on(signal, cancel);
    try {
      return await new GateWait(db, request, submissions, start, waitMs, () => cancelled, flags, io, say, time).run();
    } finally {
      for (const signal of CANCEL_SIGNALS) signals.off(signal, cancel);
    }
  } finally {
    db.close();
  }
}

/** One gate's wait: for its request to be taken, decided and finished; or for its own withdrawal. */
class GateWait {
  private readonly row;
  private readonly lease;
  private announced = false;
  private lastState = '';

  constructor(
    private readonly db: Db,
    private readonly request: DeploymentRequest,
    private readonly submissions: Submissions,
    private readonly start: number,
    private readonly waitMs: number,
    private readonly cancelled: () => boolean,
    private readonly flags: GateFlags,
    private readonly io: CommandIo,
    private readonly say: (text: string) => void,
    private readonly time: WaitTime,
  ) {
    this.row = db.prepare('SELECT state, outcome, failure_reason, assessment FROM deployments WHERE id = ?');
    this.lease = new Lease(db, 'engine', 'gate');
  }

  private get why(): string {
    return this.cancelled() ? 'cancelled' : `no outcome within ${this.flags.wait ?? '6h'}`;
  }

  private get givingUpCode(): number {
    return this.cancelled() ? GATE_EXIT.withdrawn : GATE_EXIT.timedOut;
  }

  /** The wait, riding out a full disk or a locked database with backoff (one line said, not a stack per try). */
  async run(): Promise<number> {
    let pause = 250;
    let said = '';
    for (;;) {
      try {
        return await this.poll();
      } catch (error) {
        if (!isTransient(error) || this.cancelled() || this.time.now() - this.start > this.waitMs) throw error;
        const line = databaseTrouble(error);
        if (line !== said) this.io.err(`warning: ${line}; the gate keeps waiting`);
        said = line;
        await this.time.sleep(pause);
        pause = Math.min(5_000, pause * 2);
      }
    }
  }

  private async poll(): Promise<number> {
    const id = this.request.id;
    for (;;) {
      const now = this.time.now();
      const status = this.submissions.status(id);
      if (status?.status === 'refused') {
        this.io.err(`error: the engine refused ${sanitize(id)}: ${sanitize(status.error ?? '')}`);
        return GATE_EXIT.badInput;
      }
      if (status?.status === 'pending') {
        const giveUp = this.cancelled() || now - this.start > this.waitMs;
        const noEngine = !this.lease.liveHolder(now) && now - this.start > ACCEPT_WINDOW_MS;
        if (giveUp || noEngine) {
          const why = giveUp ? this.why : 'no engine is running';
          // Withdrawn before any engine took it: nothing will ever run it. If an engine took it at this very
          // moment, the next pass sees it accepted and withdraws the deployment instead.
          if (this.submissions.withdrawPending(id, why)) {
            if (giveUp) this.io.err(`${why}: withdrew ${sanitize(id)} before an engine took it; nothing ran`);
            else this.io.err('error: no engine is running (start `genops-tui engine` or the console); the request was withdrawn and will not run');
            return giveUp ? this.givingUpCode : GATE_EXIT.engineUnavailable;
          }
          continue;
        }
        this.heartbeat(now);
      } else if (status?.status === 'accepted') {
        this.heartbeat(now);
        const r = this.row.get(id) as Row | undefined;
        if (r) {
          this.follow(r);
          if (r.outcome) return report(this.db, this.request, r, this.flags, this.io);
          if (r.state === 'rollback_failed') return report(this.db, this.request, r, this.flags, this.io);
          if (this.cancelled() || now - this.start > this.waitMs) return this.withdraw();
        }
      } else {
        this.io.err(`error: the request ${sanitize(id)} is ${sanitize(status?.status ?? 'gone')}`);
        return GATE_EXIT.badInput;
      }
      await this.time.sleep(25);
    }
  }

  private lastBeat = -Infinity;

  /** Still waiting: the engine may take the request, and run it, for ACCEPT_WINDOW_MS more; no longer if this gate dies. */
  private heartbeat(now: number): void {
    if (now - this.lastBeat < HEARTBEAT_MS) return;
    this.lastBeat = now;
    this.submissions.keepAlive(this.request.id, now + ACCEPT_WINDOW_MS);
  }

  /** Prints the decision once and each state change. */
  private follow(r: Row): void {
    if (r.assessment && !this.announced) {
      this.announced = true;
      const a = JSON.parse(r.assessment) as Assessment;
      this.say(`decision: ${a.decision.action} (${a.level} ${a.score.toFixed(2)}), plan ${a.decision.plan}`);
      for (const reason of a.decision.reasons) this.say(`  - ${sanitize(reason)}`);
    }
    if (r.state !== this.lastState && !r.outcome) {
      this.lastState = r.state;
      this.say(`state: ${sanitize(r.state)}`);
    }
  }

  /**
   * The gate gives up on a running deployment: it asks the engine to withdraw it and reports only what the
   * engine confirmed. The withdrawal has no deadline: a deployment whose gate left must not run on.
   */
  private async withdraw(): Promise<number> {
    const id = this.request.id;
    const why = this.why;
    const code = this.givingUpCode;
    const actionId = this.submissions.requestAction(id, 'withdraw', `gate:${this.request.requestedBy}`, why, this.time.now(), null);
    const answer = await this.submissions.awaitAction(actionId, WITHDRAW_CONFIRM_MS, false, this.time);
    if (answer === 'unanswered') {
      this.io.err(`${why}: withdrawal of ${sanitize(id)} UNCONFIRMED: no engine answered within ${WITHDRAW_CONFIRM_MS / 1000} s; it stays queued and the engine applies it when it runs`);
      return GATE_EXIT.withdrawalUnconfirmed;
    }
    if (answer.result === 'done') {
      this.io.err(`${why}: withdrew ${sanitize(id)} (any traffic goes back to the stable version)`);
      return code;
    }
    // Refused: it had finished, or is rolling back already. Report what really happened.
    const until = this.time.now() + WITHDRAW_CONFIRM_MS;
    for (;;) {
      const r = this.row.get(id) as Row | undefined;
      if (r?.outcome || r?.state === 'rollback_failed') {
        this.io.err(`${why}: could not withdraw ${sanitize(id)}: ${sanitize(answer.error)}`);
        return report(this.db, this.request, r, this.flags, this.io);
      }
      if (this.time.now() > until) {
        this.io.err(`${why}: the engine refused to withdraw ${sanitize(id)} (${sanitize(answer.error)}) and it has not finished (${sanitize(r?.state ?? '?')})`);
        return GATE_EXIT.withdrawalUnconfirmed;
      }
      await this.time.sleep(25);
    }
  }
}

const OUTCOME_EXIT: Record<Outcome, number> = {
  succeeded: GATE_EXIT.promoted,
  rejected: GATE_EXIT.rejected,
  expired: GATE_EXIT.expired,
  blocked: GATE_EXIT.blocked,
  rolled_back: GATE_EXIT.rolledBack,
  failed: GATE_EXIT.failed,
  withdrawn: GATE_EXIT.withdrawn,
};

function report(db: Db, request: DeploymentRequest, r: Row, flags: GateFlags, io: CommandIo): number {
  const assessment = r.assessment ? (JSON.parse(r.assessment) as Assessment) : undefined;
  return printReport({ request, row: r, assessment, audit: new AuditLog(db).forDeployment(request.id) }, flags, io);
}

/** What a gate reports, from wherever it was read (the database here, a `genops-tui serve` over HTTP). */
export interface GateFacts {
  request: Pick<DeploymentRequest, 'id' | 'version'>;
  row: Row;
  assessment: Assessment | undefined;
  audit: AuditEntry[];
}

export function printReport({ request, row: r, assessment: a, audit }: GateFacts, flags: Pick<GateFlags, 'json'>, io: CommandIo): number {
  const stages = audit.filter((e) => e.event === 'stage_analysed').map((e) => ({ percent: e.payload.percent, verdict: e.payload.verdict, reason: e.payload.reason }));
  const rollbackFailed = !r.outcome && r.state === 'rollback_failed';
  const code = rollbackFailed ? GATE_EXIT.rollbackFailed : OUTCOME_EXIT[r.outcome as Outcome] ?? GATE_EXIT.rolledBack;
  const outcome = rollbackFailed ? 'rollback_failed' : r.outcome;
  const reason = rollbackFailed ? audit.filter((e) => e.event === 'rollback_failed').at(-1)?.payload.error : r.failure_reason;
  if (flags.json) {
    io.out(safeJson({ id: request.id, outcome, exitCode: code, reason: reason ?? null, decision: a?.decision, level: a?.level, score: a?.score, stages }, 2));
  } else {
    for (const s of stages) io.out(`  ${String(s.percent)}%: ${String(s.verdict)} · ${sanitize(String(s.reason))}`);
    if (rollbackFailed) io.out(`${sanitize(request.id)}: ROLLBACK FAILED (${sanitize(String(reason ?? ''))}): traffic may still be on ${sanitize(request.version)}; the engine keeps retrying and a human must confirm (genops-tui resolve ${sanitize(request.id)} --reason ...)`);
    else io.out(`${sanitize(request.id)}: ${r.outcome}${r.failure_reason ? ` (${sanitize(r.failure_reason)})` : ''}`);
  }
  return code;
}
