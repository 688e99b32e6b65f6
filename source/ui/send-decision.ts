// A decision from the console to its engine: applied at once by an engine this process runs, or sent through
// another engine's queue and pending (with its deadline) until that engine answers, and said when it does.
import { ActionRefused } from '../engine/engine.js';
import type { ConsoleModel, PendingDecision } from './console-model.js';
import type { Effect } from './ui-state.js';

const APPLIED_WORD: Record<string, string> = { approve: 'approved', reject: 'rejected', pause: 'paused', resume: 'resumed', promote: 'promoted', abort: 'aborted', resolve: 'resolved the failed rollback of' };

export function sendDecision(model: ConsoleModel, operator: string, e: Extract<Effect, { kind: 'decide' }>, say: (text: string, error?: boolean) => void): void {
  const engine = model.engine;
  const d = engine.get(e.id);
  const what = `${e.id}${d ? ` (${d.request.serviceId} ${d.request.version})` : ''}`;
  const done = `${APPLIED_WORD[e.action] ?? e.action} ${what} as ${operator}`;
  try {
    const answer =
      e.action === 'approve' ? engine.approve(e.id, operator)
      : e.action === 'reject' ? engine.reject(e.id, operator, e.reason ?? '')
      : e.action === 'pause' ? engine.pause(e.id, operator)
      : e.action === 'resume' ? engine.resume(e.id, operator)
      : e.action === 'promote' ? engine.promote(e.id, operator)
      : e.action === 'resolve' ? engine.resolveRollback(e.id, operator, e.reason ?? '')
      : engine.abort(e.id, operator, e.reason ?? 'aborted from the console');
    if (!(answer instanceof Promise)) return say(done);
    const sentAt = Date.now();
    const pending: PendingDecision = { id: e.id, action: e.action, by: operator, sentAt, deadline: engine.answerWithinMs === undefined ? undefined : sentAt + engine.answerWithinMs, queued: false };
    model.pending.push(pending);
    say(`sent ${e.action} of ${what} to the engine; waiting for its answer`);
    const settle = (): void => {
      const i = model.pending.indexOf(pending);
      if (i >= 0) model.pending.splice(i, 1);
    };
    answer.then(
      () => {
        settle();
        say(done);
      },
      (error: unknown) => {
        const text = error instanceof Error ? error.message : String(error);
        // An engine that keeps an unanswered decision queued: still pending, and the trail says when it lands.
        if (/not answered/.test(text) && model.pending.includes(pending)) {
          pending.queued = true;
          return say(`${text}; this console will say when the engine applies or refuses it`, true);
        }
        settle();
        say(error instanceof ActionRefused ? text : `error: ${text}`, true);
      },
    );
  } catch (error) {
    if (error instanceof ActionRefused) say(error.message, true);
    else throw error;
  }
}
