// `genops-tui gate --server URL`: the same gate through a `genops-tui serve`. It submits as the token (the
// request's requestedBy is the token's name), waits on the deployment's event stream, and prints and exits
// exactly as the local gate does. Network failures and server restarts are waited out within --wait.
import { sanitize } from '../domain/sanitize.js';
import { safeJson } from '../domain/safe-json.js';
import type { DeploymentRequest } from '../domain/schemas.js';
import type { CommandIo } from '../commands/io.js';
import { ACCEPT_WINDOW_MS, GATE_EXIT, printReport, WITHDRAW_CONFIRM_MS } from '../commands/gate.js';
import type { GateFlags } from '../commands/gate.js';
import { sleep } from './backoff.js';
import type { DeploymentStatus } from './engine-client.js';
import { isFinal, stateLine } from './engine-client.js';
import type { HttpEngineClient } from './http-client.js';
import { ApiAnswer, Unreachable } from './http-client.js';

export async function gateRemotely(client: HttpEngineClient, request: DeploymentRequest, flags: GateFlags, start: number, waitMs: number, io: CommandIo, signals: NodeJS.EventEmitter): Promise<number> {
  const say = (text: string): void => {
    if (!flags.json) io.err(text);
  };
  let me: string;
  try {
    me = await client.identity();
  } catch (error) {
    if (error instanceof Unreachable) {
      io.err(`error: no engine answered at the server (${sanitize(error.message)}); nothing was submitted`);
      return GATE_EXIT.engineUnavailable;
    }
    if (error instanceof ApiAnswer) {
      io.err(`error: the server refused the token: ${sanitize(error.message)}`);
      return GATE_EXIT.badInput;
    }
    throw error;
  }
  // A request file names its requester; over HTTP the requester is the token, and the two must agree.
  if (flags.request && request.requestedBy !== me) {
    io.err(`error: ${sanitize(flags.request)}: requestedBy "${sanitize(request.requestedBy)}" is not this token's name ("${sanitize(me)}"); over HTTP the request is recorded as the token's`);
    return GATE_EXIT.badInput;
  }
  const submitted = await client.submit({ ...request, requestedBy: me }, { watch: !flags.noWait });
  if (submitted.result === 'refused') {
    io.err(`error: the engine refused ${sanitize(request.id)}: ${sanitize(submitted.error)}`);
    return GATE_EXIT.badInput;
  }
  if (submitted.result === 'unanswered') {
    io.err(`error: no engine answered at the server within ${ACCEPT_WINDOW_MS / 1000} s (${sanitize(submitted.error)}); the request was not accepted`);
    return GATE_EXIT.engineUnavailable;
  }
  say(`submitted ${sanitize(request.id)} (${sanitize(request.serviceId)} ${sanitize(request.version)})`);
  if (flags.noWait) {
    if (flags.json) io.out(safeJson({ id: request.id, status: 'submitted' }));
    else say('not waiting: the engine has taken it');
    return GATE_EXIT.promoted;
  }
  const controller = new AbortController();
  const cancel = (): void => controller.abort();
  signals.on('SIGINT', cancel);
  signals.on('SIGTERM', cancel);
  try {
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
    const waited = isFinal(submitted.status) ? { result: 'finished' as const, status: submitted.status } : await client.awaitOutcome(request.id, { until: start + waitMs, signal: controller.signal, onStatus: follow, keepAlive: true });
    if (waited.result === 'finished') return await report(client, request, waited.status, flags, io);
    return await withdraw(client, request, waited.result === 'cancelled' ? 'cancelled' : `no outcome within ${flags.wait ?? '6h'}`, waited.result === 'cancelled' ? GATE_EXIT.withdrawn : GATE_EXIT.timedOut, flags, io);
  } finally {
    signals.off('SIGINT', cancel);
    signals.off('SIGTERM', cancel);
  }
}

/** The local gate's report, from the deployment's status and audit entries as the server gives them. */
async function report(client: HttpEngineClient, request: DeploymentRequest, s: DeploymentStatus, flags: GateFlags, io: CommandIo): Promise<number> {
  const audit = await client.audit(0, request.id);
  const finished = audit.filter((e) => e.event === 'finished').at(-1);
  const reason = s.outcome && s.outcome !== 'succeeded' ? (typeof finished?.payload.reason === 'string' && finished.payload.reason !== '' ? finished.payload.reason : null) : null;
  return printReport(
    { request, row: { state: s.state, outcome: s.outcome, failure_reason: reason, assessment: null }, assessment: s.assessment, audit },
    flags,
    io,
  );
}

/** Gives up on the deployment: asks the engine to withdraw it and reports only what the engine confirmed. */
async function withdraw(client: HttpEngineClient, request: DeploymentRequest, why: string, code: number, flags: GateFlags, io: CommandIo): Promise<number> {
  const id = request.id;
  const answer = await client.act(id, 'withdraw');
  if (answer.result === 'unanswered') {
    io.err(`${why}: withdrawal of ${sanitize(id)} UNCONFIRMED: the server did not answer (${sanitize(answer.error)})`);
    return GATE_EXIT.withdrawalUnconfirmed;
  }
  if (answer.result === 'done') {
    io.err(`${why}: withdrew ${sanitize(id)} (any traffic goes back to the stable version)`);
    return code;
  }
  // Refused: it had finished, or is rolling back already. Report what really happened.
  const until = Date.now() + WITHDRAW_CONFIRM_MS;
  for (;;) {
    let s: DeploymentStatus | undefined;
    try {
      s = await client.status(id, until);
    } catch (error) {
      if (!(error instanceof Unreachable)) throw error;
    }
    if (s && isFinal(s)) {
      io.err(`${why}: could not withdraw ${sanitize(id)}: ${sanitize(answer.error)}`);
      return report(client, request, s, flags, io);
    }
    if (Date.now() > until) {
      io.err(`${why}: the engine refused to withdraw ${sanitize(id)} (${sanitize(answer.error)}) and it has not finished (${sanitize(s?.state ?? '?')})`);
      return GATE_EXIT.withdrawalUnconfirmed;
    }
    await sleep(100);
  }
}
