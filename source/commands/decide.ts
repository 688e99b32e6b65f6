// `genops-tui approve ID` / `reject ID --reason TEXT` / `resolve ID --reason TEXT`: the console's rules, for
// scripts and chat-ops. The request goes to the running engine, which applies the same checks and audits the
// decision. It carries a deadline: when no engine answers in time it is withdrawn (exit 3), and an engine that
// starts later refuses it instead of applying a decision its sender saw fail.
import { userInfo } from 'node:os';
import { sanitize } from '../domain/sanitize.js';
import { dbPath, openDatabase } from '../store/database.js';
import type { OperatorAction } from '../store/submissions.js';
import type { CommandIo } from './io.js';
import { UsageError } from './io.js';
import type { EngineClient } from '../client/engine-client.js';
import { ApiAnswer, Unreachable } from '../client/http-client.js';
import { remoteClient } from '../client/server-flags.js';
import { LocalEngineClient } from '../client/local-client.js';

export const DECIDE_REFUSED_EXIT = 1;
export const ENGINE_UNAVAILABLE_EXIT = 3;
/** How long approve/reject/resolve wait for the engine's answer. */
export const DECIDE_ANSWER_MS = 10_000;

export async function decideCommand(action: OperatorAction, id: string | undefined, flags: { db?: string; as?: string; reason?: string; server?: string }, io: CommandIo): Promise<number> {
  if (!id) throw new UsageError(`${action} needs a deployment ID`);
  if ((action === 'reject' || action === 'resolve') && !flags.reason?.trim()) throw new UsageError(`${action} needs --reason TEXT`);
  const remote = remoteClient(flags);
  if (remote) return decideThrough(remote, action, id, flags.reason?.trim(), io);
  const actor = flags.as ?? userInfo().username;
  const db = openDatabase(dbPath(flags.db));
  try {
    const client = new LocalEngineClient(db, actor, { answerMs: DECIDE_ANSWER_MS });
    if (!client.engineRunning()) {
      io.err(`error: no engine is running to apply the ${action} (start \`genops-tui engine\` or the console); nothing was queued`);
      return ENGINE_UNAVAILABLE_EXIT;
    }
    return await decideThrough(client, action, id, flags.reason?.trim(), io);
  } finally {
    db.close();
  }
}

/**
 * The decision through an engine client: locally the engine's queue, with --server a `genops-tui serve`
 * (the actor is then the token's name). The same output and exit codes either way.
 */
async function decideThrough(client: EngineClient, action: OperatorAction, id: string, reason: string | undefined, io: CommandIo): Promise<number> {
  let actor: string;
  try {
    actor = await client.identity();
  } catch (error) {
    if (error instanceof Unreachable) {
      io.err(`error: no engine answered at the server (${sanitize(error.message)}); nothing was sent`);
      return ENGINE_UNAVAILABLE_EXIT;
    }
    if (error instanceof ApiAnswer) {
      io.err(`refused: ${sanitize(error.message)}`);
      return DECIDE_REFUSED_EXIT;
    }
    throw error;
  }
  const answer = await client.act(id, action, reason);
  if (answer.result === 'done') {
    io.out(`${action}: ${sanitize(id)} by ${sanitize(actor)}`);
    return 0;
  }
  if (answer.result === 'unanswered') {
    if (client.transport === 'local') io.err(`error: ${answer.error}`);
    else io.err(`error: the server did not answer (${sanitize(answer.error)}); the ${action} may not have been applied: check the deployment`);
    return ENGINE_UNAVAILABLE_EXIT;
  }
  io.err(`refused: ${sanitize(answer.error)}`);
  return DECIDE_REFUSED_EXIT;
}
