// `genops-tui gate`: a CI job submits a request, waits for the outcome and exits with a code per outcome.
// Ctrl-C or a CI cancel (SIGINT/SIGTERM) while waiting withdraws the request, and the engine audits it.
import { userInfo } from 'node:os';
import { requestSchema } from '../domain/schemas.js';
import type { DeploymentRequest } from '../domain/schemas.js';
import { sanitize } from '../domain/sanitize.js';
import type { Assessment } from '../domain/assess.js';
import { InputError, zodProblems } from '../io/input-error.js';
import { loadRequest } from '../io/load.js';
import { AuditLog } from '../store/audit-log.js';
import { dbPath, openDatabase } from '../store/database.js';
import type { Db } from '../store/database.js';
import { Lease } from '../store/lease.js';
import { Submissions } from '../store/submissions.js';
import type { CommandIo } from './io.js';
import { UsageError } from './io.js';

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
}

/** "30s", "15m", "4h", "250ms", or plain seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`--wait: "${text}" is not a duration (e.g. 30s, 15m, 4h)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

function requestFrom(flags: GateFlags, now: number): DeploymentRequest {
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

interface Row {
  state: string;
  outcome: string | null;
  failure_reason: string | null;
  assessment: string | null;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function gateCommand(flags: GateFlags, io: CommandIo, signals: NodeJS.EventEmitter = process): Promise<number> {
  const start = Date.now();
  const request = requestFrom(flags, start);
  const waitMs = flags.wait ? parseDuration(flags.wait) : 6 * 3_600_000;
  const db = openDatabase(dbPath(flags.db));
  try {
    const submissions = new Submissions(db);
    if (!submissions.submit(request, start)) throw new InputError([{ file: flags.request ?? '(flags)', field: 'id', message: `request id "${request.id}" was already submitted` }]);
    const say = (text: string): void => {
      if (!flags.json) io.err(text);
    };
    say(`submitted ${sanitize(request.id)} (${sanitize(request.serviceId)} ${sanitize(request.version)})`);
    if (flags.noWait) {
      if (flags.json) io.out(JSON.stringify({ id: request.id, status: 'submitted' }));
      return GATE_EXIT.promoted;
    }
    let cancelled = false;
    const cancel = (): void => {
      cancelled = true;
    };
    signals.on('SIGINT', cancel);
    signals.on('SIGTERM', cancel);
    try {
      return await waitForOutcome(db, request, submissions, start, waitMs, () => cancelled, flags, io, say);
    } finally {
      signals.off('SIGINT', cancel);
      signals.off('SIGTERM', cancel);
    }
  } finally {
    db.close();
  }
}

async function waitForOutcome(
  db: Db,
  request: DeploymentRequest,
  submissions: Submissions,
  start: number,
  waitMs: number,
  cancelled: () => boolean,
  flags: GateFlags,
  io: CommandIo,
  say: (text: string) => void,
): Promise<number> {
  const row = db.prepare('SELECT state, outcome, failure_reason, assessment FROM deployments WHERE id = ?');
  const lease = new Lease(db, 'engine', 'gate');
  let announced = false;
  let lastState = '';
  for (;;) {
    const now = Date.now();
    const status = submissions.status(request.id);
    if (status?.status === 'refused') {
      io.err(`error: the engine refused ${sanitize(request.id)}: ${sanitize(status.error ?? '')}`);
      return GATE_EXIT.badInput;
    }
    const r = row.get(request.id) as Row | undefined;
    if (!r && !lease.liveHolder(now) && now - start > 10_000) {
      io.err('error: no engine is running (start `genops-tui engine` or the console); the request stays queued');
      return GATE_EXIT.engineUnavailable;
    }
    if (r?.assessment && !announced) {
      announced = true;
      const a = JSON.parse(r.assessment) as Assessment;
      say(`decision: ${a.decision.action} (${a.level} ${a.score.toFixed(2)}), plan ${a.decision.plan}`);
      for (const reason of a.decision.reasons) say(`  - ${sanitize(reason)}`);
    }
    if (r && r.state !== lastState && !r.outcome) {
      lastState = r.state;
      say(`state: ${sanitize(r.state)}`);
    }
    if (r?.outcome) return report(db, request, r, flags, io);
    if (cancelled() || now - start > waitMs) {
      const why = cancelled() ? 'cancelled' : `no outcome within ${flags.wait}`;
      const id = submissions.requestAction(request.id, 'withdraw', `gate:${request.requestedBy}`, why, now);
      for (let i = 0; i < 100; i++) {
        const result = submissions.actionResult(id);
        if (result?.result) break;
        await sleep(50);
      }
      io.err(`${why}: withdrew ${sanitize(request.id)}`);
      return cancelled() ? GATE_EXIT.withdrawn : GATE_EXIT.timedOut;
    }
    await sleep(25);
  }
}

function report(db: Db, request: DeploymentRequest, r: Row, flags: GateFlags, io: CommandIo): number {
  const a = r.assessment ? (JSON.parse(r.assessment) as Assessment) : undefined;
  const audit = new AuditLog(db).forDeployment(request.id);
  const stages = audit.filter((e) => e.event === 'stage_analysed').map((e) => ({ percent: e.payload.percent, verdict: e.payload.verdict, reason: e.payload.reason }));
  const withdrawn = audit.some((e) => e.event === 'withdrawn');
  const code =
    r.outcome === 'succeeded' ? GATE_EXIT.promoted
    : r.outcome === 'rejected' ? (withdrawn ? GATE_EXIT.withdrawn : GATE_EXIT.rejected)
    : r.outcome === 'expired' ? GATE_EXIT.expired
    : r.outcome === 'blocked' ? GATE_EXIT.blocked
    : r.outcome === 'failed' ? GATE_EXIT.failed
    : GATE_EXIT.rolledBack;
  if (flags.json) {
    io.out(JSON.stringify({ id: request.id, outcome: r.outcome, exitCode: code, reason: r.failure_reason, decision: a?.decision, level: a?.level, score: a?.score, stages }, null, 2));
  } else {
    for (const s of stages) io.out(`  ${String(s.percent)}%: ${String(s.verdict)} · ${sanitize(String(s.reason))}`);
    io.out(`${sanitize(request.id)}: ${r.outcome}${r.failure_reason ? ` (${sanitize(r.failure_reason)})` : ''}`);
  }
  return code;
}
