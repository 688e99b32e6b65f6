// Operator actions as one table: the machine event each one sends, the audit event that records it, and
// whether the deployment's machine would take it now (XState's `snapshot.can`). The engine applies actions
// from this table, and every view carries what is allowed now and why the rest is not, so the console, the
// API and the CLI show one set of rules instead of restating them.
import type { DeploymentEvent } from '../machines/deployment-machine.js';
import { deploymentMachine } from '../machines/deployment-machine.js';
import type { OperatorAction } from '../store/submissions.js';
import type { Snapshot } from './snapshot-facts.js';

export type { OperatorAction };

export interface ActionSpec {
  /** The machine event the action sends. */
  event: (by: string, reason: string | undefined) => DeploymentEvent;
  /** The audit event that records it, and its payload. */
  audit: string;
  payload: (reason: string | undefined) => Record<string, unknown>;
  /** As in "cannot approve". */
  verb: string;
  /** Set when the action needs a reason: the refusal when none is given. */
  reasonRequired?: string;
}

export const OPERATOR_ACTIONS: Readonly<Record<OperatorAction, ActionSpec>> = {
  approve: { event: (by, reason) => ({ type: 'APPROVE', by, ...(reason ? { reason } : {}) }), audit: 'approved', payload: (reason) => (reason ? { reason } : {}), verb: 'approve' },
  reject: { event: (by, reason) => ({ type: 'REJECT', by, reason: reason ?? '' }), audit: 'rejected', payload: (reason) => ({ reason }), verb: 'reject', reasonRequired: 'a rejection needs a reason' },
  withdraw: { event: (by) => ({ type: 'WITHDRAW', by }), audit: 'withdrawn', payload: () => ({}), verb: 'withdraw' },
  pause: { event: (by) => ({ type: 'PAUSE', by }), audit: 'pause_requested', payload: () => ({}), verb: 'pause' },
  resume: { event: (by) => ({ type: 'RESUME', by }), audit: 'resumed', payload: () => ({}), verb: 'resume' },
  promote: { event: (by) => ({ type: 'PROMOTE', by }), audit: 'promoted_by_operator', payload: () => ({}), verb: 'promote' },
  abort: { event: (by, reason) => ({ type: 'ABORT', by, reason: reason ?? '' }), audit: 'aborted', payload: (reason) => ({ reason }), verb: 'abort' },
  resolve: {
    event: (by, reason) => ({ type: 'RESOLVE', by, reason: reason ?? '' }),
    audit: 'rollback_resolved',
    payload: (reason) => ({ reason }),
    verb: 'resolve a rollback',
    reasonRequired: 'resolving a failed rollback needs a reason (what was done by hand)',
  },
};

export const ACTION_NAMES = Object.keys(OPERATOR_ACTIONS) as OperatorAction[];

export type ActionAvailability = { allowed: true } | { allowed: false; why: string };

/** A snapshot read back from JSON has no methods: it is resolved against the machine first. */
function live(s: Snapshot): Snapshot {
  return typeof s.can === 'function' ? s : deploymentMachine.resolveState({ value: s.value, context: s.context });
}

/** Whether the machine takes the action now. Identity rules (no self-approval) are the engine's, on top. */
export function canAct(s: Snapshot, action: OperatorAction): boolean {
  return live(s).can(OPERATOR_ACTIONS[action].event('(check)', '(check)'));
}

/** Every action, allowed now or not and why, for a deployment in `stateText` ("awaiting approval"…). */
export function actionsOf(s: Snapshot, id: string, stateText: string): Record<OperatorAction, ActionAvailability> {
  const snapshot = live(s);
  const out = {} as Record<OperatorAction, ActionAvailability>;
  for (const action of ACTION_NAMES) {
    out[action] = snapshot.can(OPERATOR_ACTIONS[action].event('(check)', '(check)')) ? { allowed: true } : { allowed: false, why: `deployment "${id}" is ${stateText}: cannot ${OPERATOR_ACTIONS[action].verb}` };
  }
  return out;
}
