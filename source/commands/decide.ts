// `genops-tui approve ID` / `reject ID --reason TEXT`: the console's rules, for scripts and chat-ops.
// The request goes to the running engine, which applies the same checks and audits the decision.
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

export async function decideCommand(action: OperatorAction, id: string | undefined, flags: { db?: string; as?: string; reason?: string }, io: CommandIo): Promise<number> {
  if (!id) throw new UsageError(`${action} needs a deployment ID`);
  if (action === 'reject' && !flags.reason?.trim()) throw new UsageError('reject needs --reason TEXT');
  const actor = flags.as ?? userInfo().username;
  const db = openDatabase(dbPath(flags.db));
  try {
    if (!new Lease(db, 'engine', 'cli').liveHolder(Date.now())) {
      io.err('error: no engine is running to apply the decision (start `genops-tui engine` or the console)');
      return ENGINE_UNAVAILABLE_EXIT;
    }
    const submissions = new Submissions(db);
    const actionId = submissions.requestAction(id, action, actor, flags.reason?.trim(), Date.now());
    for (let i = 0; i < 400; i++) {
      const r = submissions.actionResult(actionId);
      if (r?.result === 'done') {
        io.out(`${action}: ${sanitize(id)} by ${sanitize(actor)}`);
        return 0;
      }
      if (r?.result === 'refused') {
        io.err(`refused: ${sanitize(r.error ?? '')}`);
        return DECIDE_REFUSED_EXIT;
      }
      await new Promise((res) => setTimeout(res, 25));
    }
    io.err('error: the engine did not answer within 10 s; the request stays queued');
    return ENGINE_UNAVAILABLE_EXIT;
  } finally {
    db.close();
  }
}
