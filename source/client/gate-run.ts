// One gate, whatever the transport: submit, say the decision and each state, wait for the outcome while
// keeping the request alive, and on a cancel or a --wait that runs out, withdraw it and report only what the
// engine confirmed. Locally the engine's queue in SQLite; with --server a `genops-tui serve` (as its token).
import type { WaitTime } from '../store/submissions.js';
import { REAL_TIME } from '../store/submissions.js';
import { safeJson } from '../domain/safe-json.js';
import { sanitize } from '../domain/sanitize.js';
import type { DeploymentRequest } from '../domain/schemas.js';
import type { CommandIo } from '../commands/io.js';
import { GATE_EXIT, printReport } from '../commands/gate-report.js';
import type { Awaited, DeploymentStatus, EngineClient } from './engine-client.js';
import type { AuditEntry } from '../store/audit-log.js';
import { isFinal, stateLine } from './engine-client.js';
import type { HttpEngineClient } from './http-client.js';
import { ApiAnswer, Unreachable } from './http-client.js';

/** The signals that cancel a waiting gate (it withdraws its request, exit 15). */
export const CANCEL_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** How long a gate that gives up waits for the engine to confirm its withdrawal. */
export const WITHDRAW_CONFIRM_MS = 10_000;
/** --no-wait: nobody waits, so the engine must take the request within this or refuse it as stale. */
export const NO_WAIT_ACCEPT_MS = 60_000;

export interface GateRun {
  client: EngineClient;
  request: DeploymentRequest;
  flags: { json: boolean; noWait: boolean; wait?: string };
  start: number;
  waitMs: number;
  io: CommandIo;
  signals: NodeJS.EventEmitter;
  time?: WaitTime;
}

/**
 * An ending with no outcome to report (refused, given up, withdrawn): its line on stderr, and with --json one
 * object on stdout too, so a CI job that parses it gets an answer on every exit.
 */
export function ended(run: { io: CommandIo; flags: { json: boolean }; request: DeploymentRequest }, code: number, line: string, outcome: 'withdrawn' | null, reason: string): number {
  run.io.err(line);
  if (run.flags.json) run.io.out(safeJson({ id: run.request.id, outcome, exitCode: code, reason }, 2));
  return code;
}

/** Over HTTP a gate rides out a server restart of up to this long before its request is in (then exit 3). */
export const SERVER_RESTART_MS = 60_000;

export async function runGate(run: GateRun): Promise<number> {
  const { client, request, flags, io } = run;
  const time = run.time ?? REAL_TIME;
  const id = request.id;
  const say = (text: string): void => {
    if (!flags.json) io.err(text);
  };
  // A server that goes away (restarted, the network) is retried in silence otherwise: said once, and its return.
  client.onConnectionChange = (up, detail) =>
    say(up ? 'the server answers again' : detail.startsWith('HTTP 429') ? `the server holds this token back (${sanitize(detail, 200)}): waiting` : `the server does not answer (${sanitize(detail, 200)}): retrying`);
  const controller = new AbortController();
  // SIGHUP too: a dropped ssh session or a runner that loses its terminal is a cancel, not a reason to vanish.
  const cancel = (): void => controller.abort();
  for (const signal of CANCEL_SIGNALS) run.signals.on(signal, cancel);
  try {
    const until = run.start + run.waitMs;
    const why = (): string => (controller.signal.aborted ? 'cancelled' : `no outcome within ${flags.wait ?? '6h'}`);
    const givingUpCode = (): number => (controller.signal.aborted ? GATE_EXIT.withdrawn : GATE_EXIT.timedOut);
    let queued = false;
    const submitted = await client.submit(request, {
      watch: !flags.noWait,
      until,
      signal: controller.signal,
      onQueued: () => {
        queued = true;
        say(`submitted ${sanitize(id)} (${sanitize(request.serviceId)} ${sanitize(request.version)})`);
      },
      ...(flags.noWait ? { queueOnly: { acceptWithinMs: NO_WAIT_ACCEPT_MS } } : {}),
    });
    switch (submitted.result) {
      case 'refused':
        return ended(run, GATE_EXIT.badInput, `error: the engine refused ${sanitize(id)}: ${sanitize(submitted.error)}`, null, submitted.error);
      case 'unanswered':
        return ended(run, GATE_EXIT.engineUnavailable, `error: ${sanitize(submitted.error)}`, null, submitted.error);
      case 'cancelled':
      case 'timeout':
        return ended(run, givingUpCode(), `${why()}: withdrew ${sanitize(id)} before an engine took it; nothing ran`, 'withdrawn', `${why()}: withdrawn before an engine took it; nothing ran`);
      case 'queued':
        if (flags.json) io.out(safeJson({ id, status: 'submitted', acceptBy: new Date(submitted.acceptBy).toISOString() }));
        else say(`not waiting: an engine must take it by ${new Date(submitted.acceptBy).toISOString()}, or it refuses it as stale`);
        return GATE_EXIT.promoted;
      case 'accepted':
        break;
    }
    if (!queued) say(`submitted ${sanitize(id)} (${sanitize(request.serviceId)} ${sanitize(request.version)})`);
    if (flags.noWait) {
      if (flags.json) io.out(safeJson({ id, status: 'submitted' }));
      else say('not waiting: the engine has taken it');
      return GATE_EXIT.promoted;
    }
    let announced = false;
    let lastState = '';
    const follow = (s: DeploymentStatus): void => {
      if (s.assessment && !announced) {
        announced = true;
        const a = s.assessment;
        say(`decision: ${a.decision.action} (${a.level} ${a.score.toFixed(2)}), plan ${a.decision.plan}`);
        for (const reason of a.decision.reasons) say(`  - ${sanitize(reason)}`);
      }
      const line = stateLine(s);
      if (line !== lastState && !s.outcome) {
        lastState = line;
        say(`state: ${sanitize(line)}`);
      }
    };
    follow(submitted.status);
    let waited: Awaited;
    try {
      waited = isFinal(submitted.status) ? { result: 'finished', status: submitted.status } : await client.awaitOutcome(id, { until, signal: controller.signal, onStatus: follow, keepAlive: true });
    } catch (error) {
      // The server refused the wait itself (the token revoked or expired meanwhile): the gate cannot wait on.
      if (!(error instanceof ApiAnswer)) throw error;
      return ended(run, GATE_EXIT.badInput, `error: the server refused the gate's wait (${sanitize(error.message)}); with no keep-alives the engine withdraws ${sanitize(id)} within 10 s`, null, error.message);
    }
    if (waited.result === 'finished') return await report(client, request, waited.status, flags, io);
    return await withdraw(run, time, why(), givingUpCode());
  } catch (error) {
    // The server stopped answering where the gate has no better answer to give: one line, not a stack.
    if (!(error instanceof Unreachable)) throw error;
    return ended(run, GATE_EXIT.engineUnavailable, `error: the server stopped answering (${sanitize(error.message)}); ${sanitize(id)}'s outcome is unknown to this gate`, null, `the server stopped answering: ${error.message}`);
  } finally {
    for (const signal of CANCEL_SIGNALS) run.signals.off(signal, cancel);
  }
}

/** The gate's report, from the deployment's status and its audit entries. */
async function report(client: EngineClient, request: DeploymentRequest, s: DeploymentStatus, flags: { json: boolean }, io: CommandIo): Promise<number> {
  let audit: AuditEntry[] = [];
  try {
    audit = await client.audit(0, request.id);
  } catch (error) {
    // The outcome is known (the server said it before going away): reported without the stage details.
    if (!(error instanceof Unreachable)) throw error;
    io.err(`note: the server stopped answering after the outcome (${sanitize(error.message)}); the report has no stage details`);
  }
  const finished = audit.filter((e) => e.event === 'finished').at(-1);
  const fromAudit = typeof finished?.payload.reason === 'string' && finished.payload.reason !== '' ? finished.payload.reason : null;
  const reason = s.outcome && s.outcome !== 'succeeded' ? (fromAudit ?? (s.reason !== '' ? s.reason : null)) : null;
  return printReport({ request, row: { state: s.state, outcome: s.outcome, failure_reason: reason, assessment: null }, assessment: s.assessment, audit }, flags, io);
}

/**
 * Gives up on a running deployment: asks the engine to withdraw it and reports only what the engine confirmed.
 * The withdrawal stands until applied: a deployment whose gate left must not run on.
 */
async function withdraw(run: GateRun, time: WaitTime, why: string, code: number): Promise<number> {
  const { client, request, flags, io } = run;
  const id = request.id;
  const answer = await client.act(id, 'withdraw', why, { standing: true });
  if (answer.result === 'unanswered') {
    const detail = client.transport === 'local' ? answer.error : `the server did not answer (${answer.error})`;
    return ended(run, GATE_EXIT.withdrawalUnconfirmed, `${why}: withdrawal of ${sanitize(id)} UNCONFIRMED: ${sanitize(detail)}`, null, `${why}: withdrawal unconfirmed: ${detail}`);
  }
  if (answer.result === 'done') {
    return ended(run, code, `${why}: withdrew ${sanitize(id)} (any traffic goes back to the stable version)`, 'withdrawn', why);
  }
  // Refused: it had finished, or is rolling back already. Report what really happened.
  const until = time.now() + WITHDRAW_CONFIRM_MS;
  for (;;) {
    let s: DeploymentStatus | undefined;
    try {
      s = await client.status(id);
    } catch (error) {
      if (!(error instanceof Unreachable)) throw error;
    }
    if (s && isFinal(s)) {
      io.err(`${why}: could not withdraw ${sanitize(id)}: ${sanitize(answer.error)}`);
      return report(client, request, s, flags, io);
    }
    if (time.now() > until) {
      return ended(run, GATE_EXIT.withdrawalUnconfirmed, `${why}: the engine refused to withdraw ${sanitize(id)} (${sanitize(answer.error)}) and it has not finished (${sanitize(s?.state ?? '?')})`, null, `${why}: the engine refused to withdraw it (${answer.error}) and it has not finished`);
    }
    await time.sleep(client.transport === 'local' ? 25 : 100);
  }
}

/**
 * Over HTTP the requester is the token: the request is recorded under its name, and a request file that names
 * someone else is refused. A number is the exit code of a refusal (said on stderr).
 */
export async function asToken(client: HttpEngineClient, request: DeploymentRequest, requestFile: string | undefined, io: CommandIo, flags: { json: boolean }): Promise<DeploymentRequest | number> {
  const run = { io, flags, request };
  let me: string;
  try {
    me = await client.identity();
  } catch (error) {
    if (error instanceof Unreachable) return ended(run, GATE_EXIT.engineUnavailable, `error: no engine answered at the server (${sanitize(error.message)}); nothing was submitted`, null, `no engine answered at the server: ${error.message}`);
    if (error instanceof ApiAnswer) return ended(run, GATE_EXIT.badInput, `error: the server refused the token: ${sanitize(error.message)}`, null, `the server refused the token: ${error.message}`);
    throw error;
  }
  if (requestFile && request.requestedBy !== me) {
    const why = `${requestFile}: requestedBy "${request.requestedBy}" is not this token's name ("${me}"); over HTTP the request is recorded as the token's`;
    return ended(run, GATE_EXIT.badInput, `error: ${sanitize(why)}`, null, why);
  }
  return { ...request, requestedBy: me };
}
