// The AI actor: recommends proceed | hold | reject with a confidence and a rationale grounded in evidence.
// Governance decides; the advisor can only add caution (see autonomy.ts). An LLM advisor implements the same
// interface; its output is schema-checked and replaced by the built-in advice on any error.
import { z } from 'zod';
import type { Config } from './config.js';
import type { DeploymentRequest, Service } from './schemas.js';
import type { Evidence } from './evidence.js';
import { isFailure } from './evidence.js';
import type { FailurePosterior } from './bayes.js';
import type { PolicyResult } from './policy.js';
import { binding } from './policy.js';
import type { RiskScore } from './risk.js';
import { evidenceVerdict } from './evidence-verdict.js';

export const adviceSchema = z.strictObject({
  recommendation: z.enum(['proceed', 'hold', 'reject']),
  confidence: z.number().min(0).max(1),
  rationale: z.string().min(1).max(500),
});
export type Advice = z.infer<typeof adviceSchema>;

export interface AdvisorInput {
  request: DeploymentRequest;
  service: Service;
  risk: RiskScore;
  evidence: Evidence;
  posterior: FailurePosterior;
  policies: readonly PolicyResult[];
  config: Config;
}

export interface Advisor {
  readonly name: string;
  /** May be asynchronous (a model call); the engine validates what comes back. */
  advise(input: AdvisorInput): Advice | Promise<Advice>;
}

export interface SyncAdvisor extends Advisor {
  advise(input: AdvisorInput): Advice;
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;

/** The two factors contributing most, named for a rationale: "service_tier 0.25, blast_radius 0.11". */
export function topFactors(risk: RiskScore, n = 2): string {
  return [...risk.factors]
    .sort((a, b) => b.contribution - a.contribution)
    .slice(0, n)
    .map((f) => `${f.name} ${f.contribution.toFixed(2)}`)
    .join(', ');
}

function evidenceSummary(evidence: Evidence): string {
  const n = evidence.neighbours.length;
  if (n === 0) return 'no similar deployments in history';
  const failed = evidence.neighbours.filter((nb) => isFailure(nb.outcome)).length;
  const worst = evidence.neighbours.find((nb) => isFailure(nb.outcome));
  const example = worst ? ` (e.g. ${worst.deploymentId}${worst.failureReason ? `: ${worst.failureReason}` : ''})` : '';
  return `${failed}/${n} similar deployments failed, weighted ${pct(evidence.similarFailureRate)}${example}`;
}

/** Deterministic advice from evidence and risk. */
export const builtinAdvisor: SyncAdvisor = {
  name: 'builtin',
  advise(input) {
    const { risk, evidence, policies, config } = input;
    const confidence = evidence.confidence;
    const grounds = `${risk.level} ${risk.score.toFixed(2)} (top: ${topFactors(risk)}); ${evidenceSummary(evidence)}`;
    const denied = binding(policies).filter((p) => p.effect === 'deny');
    if (denied.length > 0) {
      return { recommendation: 'reject', confidence: 1, rationale: `policy ${denied.map((d) => d.id).join(', ')} denies it; ${grounds}` };
    }
    if (risk.level === 'CRITICAL' || risk.level === 'HIGH') {
      return { recommendation: 'hold', confidence, rationale: `hold for a human: ${grounds}` };
    }
    const verdict = evidenceVerdict(risk.level, evidence, config);
    if (!verdict.supports) return { recommendation: 'hold', confidence, rationale: `hold: ${verdict.reason}; ${grounds}` };
    return { recommendation: 'proceed', confidence, rationale: `proceed: ${grounds}` };
  },
};

export interface CheckedAdvice {
  advice: Advice;
  by: string;
  fallbackReason?: string;
}

/** An advisor's raw answer checked against the schema; anything else is replaced by the built-in advice. */
export function checkAdvice(advisor: Advisor, input: AdvisorInput, raw: unknown): CheckedAdvice {
  const parsed = adviceSchema.safeParse(raw);
  if (parsed.success) return { advice: parsed.data, by: advisor.name };
  return fallback(input, `advisor ${advisor.name} returned an invalid answer: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
}

const fallback = (input: AdvisorInput, reason: string): CheckedAdvice => ({ advice: builtinAdvisor.advise(input), by: builtinAdvisor.name, fallbackReason: reason });

export function adviseSync(advisor: SyncAdvisor, input: AdvisorInput): CheckedAdvice {
  if (advisor === builtinAdvisor) return { advice: builtinAdvisor.advise(input), by: builtinAdvisor.name };
  try {
    return checkAdvice(advisor, input, advisor.advise(input));
  } catch (error) {
    return fallback(input, `advisor ${advisor.name} failed: ${String(error)}`);
  }
}

/** A hostile or broken advisor's output never reaches a decision unchecked. */
export async function adviseSafely(advisor: Advisor, input: AdvisorInput): Promise<CheckedAdvice> {
  try {
    return checkAdvice(advisor, input, await advisor.advise(input));
  } catch (error) {
    return fallback(input, `advisor ${advisor.name} failed: ${String(error)}`);
  }
}
