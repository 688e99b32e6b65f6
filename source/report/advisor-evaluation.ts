// An advisor measured in shadow against recorded outcomes: how its holds (hold or reject) line up with the
// deployments that actually failed or rolled back, beside the built-in advisor on the same deployments, with
// Wilson 95% intervals; and what the model cost (latency, tokens, fallbacks).
import type { Advice } from '../domain/advisor.js';
import type { AdvisorCall } from '../domain/advisor-call.js';
import { isFailure } from '../domain/evidence.js';
import type { Outcome } from '../domain/schemas.js';
import { quantile, wilson } from './statistics.js';

export interface ShadowCase {
  id: string;
  /** The recorded outcome of an executed deployment. */
  outcome: Outcome;
  builtin: Advice;
  candidate: Advice;
  call?: AdvisorCall;
}

export type Rate = ReturnType<typeof wilson>;

export interface HoldScore {
  holds: number;
  /** Holds on deployments that failed or rolled back. */
  heldFailures: number;
  /** heldFailures / holds; null with no holds. */
  precision: Rate | null;
  /** heldFailures / failures; null with no failures. */
  recall: Rate | null;
}

export interface AdvisorEvaluation {
  candidate: string;
  deployments: number;
  failures: number;
  builtin: HoldScore;
  model: HoldScore;
  /** Deployments where both advisors agree on hold versus proceed. */
  agreement: Rate;
  /** Failures only one of the two held, and successes only one of the two held (needless holds). */
  differences: { failuresOnlyModelHeld: string[]; failuresOnlyBuiltinHeld: string[]; successesOnlyModelHeld: number; successesOnlyBuiltinHeld: number };
  calls: {
    total: number;
    answered: number;
    cached: number;
    fallbacks: number;
    fallbackReasons: Array<{ reason: string; count: number }>;
    latencyMs: { p50: number; p90: number; max: number } | null;
    tokens: { prompt: number; completion: number; perCall: number } | null;
  };
}

const holds = (a: Advice): boolean => a.recommendation !== 'proceed';

function score(cases: readonly ShadowCase[], pick: (c: ShadowCase) => Advice): HoldScore {
  let held = 0;
  let heldFailures = 0;
  let failures = 0;
  for (const c of cases) {
    const failed = isFailure(c.outcome);
    if (failed) failures += 1;
    if (holds(pick(c))) {
      held += 1;
      if (failed) heldFailures += 1;
    }
  }
  return { holds: held, heldFailures, precision: held ? wilson(heldFailures, held) : null, recall: failures ? wilson(heldFailures, failures) : null };
}

/** Why a fallback happened, without the per-call detail (seconds, counts), so equal causes group. */
const reasonKind = (r: string): string => r.replace(/\d+(\.\d+)?/g, 'N').slice(0, 80);

export function evaluateAdvisor(candidate: string, cases: readonly ShadowCase[]): AdvisorEvaluation {
  const calls = cases.flatMap((c) => (c.call ? [c.call] : []));
  const fresh = calls.filter((c) => !c.cached && c.attempts > 0);
  const reasons = new Map<string, number>();
  for (const c of calls) if (c.fallbackReason) reasons.set(reasonKind(c.fallbackReason), (reasons.get(reasonKind(c.fallbackReason)) ?? 0) + 1);
  const tokenCalls = calls.filter((c) => c.promptTokens !== null && !c.cached);
  const prompt = tokenCalls.reduce((n, c) => n + (c.promptTokens ?? 0), 0);
  const completion = tokenCalls.reduce((n, c) => n + (c.completionTokens ?? 0), 0);
  const latencies = fresh.map((c) => c.latencyMs);
  const agree = cases.filter((c) => holds(c.builtin) === holds(c.candidate)).length;
  const only = (failed: boolean, model: boolean): ShadowCase[] =>
    cases.filter((c) => isFailure(c.outcome) === failed && holds(c.candidate) === model && holds(c.builtin) !== model);
  return {
    candidate,
    deployments: cases.length,
    failures: cases.filter((c) => isFailure(c.outcome)).length,
    builtin: score(cases, (c) => c.builtin),
    model: score(cases, (c) => c.candidate),
    agreement: wilson(agree, cases.length),
    differences: {
      failuresOnlyModelHeld: only(true, true).map((c) => c.id),
      failuresOnlyBuiltinHeld: only(true, false).map((c) => c.id),
      successesOnlyModelHeld: only(false, true).length,
      successesOnlyBuiltinHeld: only(false, false).length,
    },
    calls: {
      total: calls.length,
      answered: calls.filter((c) => !c.fallbackReason).length,
      cached: calls.filter((c) => c.cached).length,
      fallbacks: calls.filter((c) => c.fallbackReason).length,
      fallbackReasons: [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
      latencyMs: latencies.length ? { p50: quantile(latencies, 0.5), p90: quantile(latencies, 0.9), max: Math.max(...latencies) } : null,
      tokens: tokenCalls.length ? { prompt, completion, perCall: (prompt + completion) / tokenCalls.length } : null,
    },
  };
}
