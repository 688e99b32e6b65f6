// `genops-tui gate`: a CI job submits a request, waits for the outcome and exits with a code per outcome.
// Ctrl-C or a CI cancel (SIGINT/SIGTERM) while waiting withdraws the request, and the engine audits it.
import { userInfo } from 'node:os';
import { requestSchema } from '../domain/schemas.js';
import type { DeploymentRequest } from '../domain/schemas.js';
import { InputError, zodProblems } from '../io/input-error.js';
import { loadRequest } from '../io/load.js';
import { dbPath, openDatabase } from '../store/database.js';
import { DeploymentStore } from '../store/deployment-store.js';
import { ACCEPT_WINDOW_MS, HEARTBEAT_MS, REAL_TIME } from '../store/submissions.js';
import type { WaitTime } from '../store/submissions.js';
import type { CommandIo } from './io.js';
import { UsageError } from './io.js';
import { remoteClient } from '../client/server-flags.js';
import { LocalEngineClient } from '../client/local-client.js';
import { asToken, runGate, SERVER_RESTART_MS, WITHDRAW_CONFIRM_MS } from '../client/gate-run.js';

export { GATE_EXIT, printReport } from './gate-report.js';
export type { GateFacts, Row } from './gate-report.js';
export { CANCEL_SIGNALS, NO_WAIT_ACCEPT_MS, WITHDRAW_CONFIRM_MS } from '../client/gate-run.js';

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


/** How long a gate waits for an engine to take its request before it gives up (exit 3) and withdraws it. */
export { ACCEPT_WINDOW_MS, HEARTBEAT_MS };

export async function gateCommand(flags: GateFlags, io: CommandIo, signals: NodeJS.EventEmitter = process, time: WaitTime = REAL_TIME): Promise<number> {
  const start = time.now();
  const request = requestFrom(flags, start);
  const waitMs = flags.wait !== undefined ? parseDuration(flags.wait) : 6 * 3_600_000; // --wait= (empty) is an error, not the default
  // Over HTTP the gate rides out a server restart (up to a minute, within --wait) before its request is in.
  const remote = remoteClient(flags, process.env, { retryMs: Math.min(waitMs, SERVER_RESTART_MS) });
  if (remote) {
    const mine = await asToken(remote, request, flags.request, io, flags);
    if (typeof mine === 'number') return mine;
    return runGate({ client: remote, request: mine, flags, start, waitMs, io, signals });
  }
  const db = openDatabase(dbPath(flags.db));
  try {
    // Refusals first: a gate only ever reports a deployment its own submission created.
    if (new DeploymentStore(db).exists(request.id)) {
      throw new InputError([{ file: flags.request ?? '(flags)', field: 'id', message: `deployment "${request.id}" already exists (imported history or an earlier run): choose a new id` }]);
    }
    // The gate's withdrawal is recorded as the gate's, on behalf of the requester (a claim on one host).
    const client = new LocalEngineClient(db, `gate:${request.requestedBy}`, { time, answerMs: WITHDRAW_CONFIRM_MS, onTrouble: (line) => io.err(`warning: ${line}; the gate keeps waiting`) });
    return await runGate({ client, request, flags, start, waitMs, io, signals, time });
  } finally {
    db.close();
  }
}
