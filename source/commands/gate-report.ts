// What a gate prints at the end and the exit code it returns, one per outcome: the same for a gate on the
// engine's host and one talking to `genops-tui serve`.
import type { Assessment } from '../domain/assess.js';
import type { Outcome } from '../domain/schemas.js';
import type { DeploymentRequest } from '../domain/schemas.js';
import { safeJson } from '../domain/safe-json.js';
import { sanitize } from '../domain/sanitize.js';
import type { AuditEntry } from '../store/audit-log.js';
import type { CommandIo } from './io.js';

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

/** The deployment's ending as the gate reports it. */
export interface Row {
  state: string;
  outcome: string | null;
  failure_reason: string | null;
  assessment: string | null;
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

/** What a gate reports, from wherever it was read (the database here, a `genops-tui serve` over HTTP). */
export interface GateFacts {
  request: Pick<DeploymentRequest, 'id' | 'version'>;
  row: Row;
  assessment: Assessment | undefined;
  audit: AuditEntry[];
}

export function printReport({ request, row: r, assessment: a, audit }: GateFacts, flags: { json: boolean }, io: CommandIo): number {
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
