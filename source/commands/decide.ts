// `genops-tui approve ID` / `reject ID --reason TEXT` / `resolve ID --reason TEXT`: the console's rules, for
// scripts and chat-ops. The request goes to the running engine, which applies the same checks and audits the
// decision. It carries a deadline: when no engine answers in time it is withdrawn (exit 3), and an engine that
// starts later refuses it instead of applying a decision its sender saw fail.
import { userInfo } from 'node:os';
import { sanitize } from '../domain/sanitize.js';
import { dbPath, openDatabase } from '../store/database.js';
import { Lease } from '../store/lease.js';
import { Submissions } from '../store/submissions.js';
import type { OperatorAction } from '../store/submissions.js';
import type { CommandIo } from './io.js';
import { UsageError } from './io.js';

export const DECIDE_REFUSED_EXIT = 1;
export const ENGINE_UNAVAILABLE_EXIT = 3;
/** How long approve/reject/resolve wait for the engine's answer. */
export const DECIDE_ANSWER_MS = 10_000;

export async function decideCommand(action: OperatorAction, id: string | undefined, flags: { db?: string; as?: string; reason?: string }, io: CommandIo): Promise<number> {
  if (!id) throw new UsageError(`${action} needs a deployment ID`);
  if ((action === 'reject' || action === 'resolve') && !flags.reason?.trim()) throw new UsageError(`${action} needs --reason TEXT`);
  const actor = flags.as ?? userInfo().username;
  const db = openDatabase(dbPath(flags.db));
  try {
    const now = Date.now();
    if (!new Lease(db, 'engine', 'cli').liveHolder(now)) {
      io.err(`error: no engine is running to apply the ${action} (start \`genops-tui engine\` or the console); nothing was queued`);
      return ENGINE_UNAVAILABLE_EXIT;
    }
    const submissions = new Submissions(db);
    const actionId = submissions.requestAction(id, action, actor, flags.reason?.trim(), now, now + DECIDE_ANSWER_MS);
    const answer = await submissions.awaitAction(actionId, DECIDE_ANSWER_MS);
    if (answer === 'unanswered') {
      io.err(`error: the engine did not answer within ${DECIDE_ANSWER_MS / 1000} s; the ${action} was withdrawn and will not be applied`);
      return ENGINE_UNAVAILABLE_EXIT;
    }
    if (answer.result === 'done') {
      io.out(`${action}: ${sanitize(id)} by ${sanitize(actor)}`);
      return 0;
    }
    io.err(`refused: ${sanitize(answer.error)}`);
    return DECIDE_REFUSED_EXIT;
  } finally {
    db.close();
  }
}
