// Who may let a deployment run: the autonomy level and SPEC.md's hard rules. The advisor may add caution,
// never remove it.
import type { Autonomy, Config } from './config.js';
import type { Advice } from './advisor.js';
import type { Evidence } from './evidence.js';
import type { PolicyResult } from './policy.js';
import { binding } from './policy.js';
import type { RiskLevel } from './risk.js';
import type { DeploymentRequest } from './schemas.js';
import { evidenceVerdict } from './evidence-verdict.js';

export type Action = 'proceed' | 'await_approval' | 'blocked';
export type PlanName = 'default' | 'cautious';

export interface Decision {
  action: Action;
  plan: PlanName;
  reasons: string[];
}

export interface DecisionInput {
  request: DeploymentRequest;
  level: RiskLevel;
  evidence: Evidence;
  policies: readonly PolicyResult[];
  advice: Advice;
  config: Config;
}

/** Why a human must decide under this autonomy level, or undefined when the level lets it run alone. */
function autonomyGate(autonomy: Autonomy, level: RiskLevel, evidence: Evidence, config: Config): string | undefined {
  switch (autonomy) {
    case 'SHADOW':
      return 'SHADOW autonomy: every deployment waits for a human';
    case 'ASSISTED':
      if (level !== 'LOW') return `ASSISTED autonomy runs only LOW alone (this is ${level})`;
      break;
    case 'GOVERNED':
    case 'LEARNING':
      if (level === 'HIGH' || level === 'CRITICAL') return `${autonomy} autonomy: ${level} risk needs a human`;
      break;
  }
  const verdict = evidenceVerdict(level, evidence, config);
  return verdict.supports ? undefined : verdict.reason;
}

export function decide(input: DecisionInput): Decision {
  const { request, level, evidence, policies, advice, config } = input;
  const bound = binding(policies);
  const plan: PlanName =
    level === 'HIGH' || level === 'CRITICAL' || evidence.confidence < config.cautiousBelowConfidence || request.change.hotfix ? 'cautious' : 'default';
  const planReason = plan === 'cautious' ? [`cautious plan: ${cautiousWhy(request, level, evidence, config)}`] : [];

  const denies = bound.filter((p) => p.effect === 'deny');
  if (denies.length > 0) return { action: 'blocked', plan, reasons: denies.map((p) => `policy ${p.id} denies: ${p.reason}`) };

  const human: string[] = bound.filter((p) => p.effect === 'require_approval').map((p) => `policy ${p.id}: ${p.reason}`);
  if (level === 'CRITICAL') human.push('CRITICAL risk never runs without a human');
  const gate = autonomyGate(config.autonomy, level, evidence, config);
  if (gate) human.push(gate);
  if (advice.recommendation !== 'proceed') human.push(`advisor recommends ${advice.recommendation}`);
  if (human.length > 0) return { action: 'await_approval', plan, reasons: [...human, ...planReason] };

  return { action: 'proceed', plan, reasons: [`${level} risk may run alone under ${config.autonomy} autonomy`, ...planReason] };
}

function cautiousWhy(request: DeploymentRequest, level: RiskLevel, evidence: Evidence, config: Config): string {
  const why: string[] = [];
  if (level === 'HIGH' || level === 'CRITICAL') why.push(`${level} risk`);
  if (evidence.confidence < config.cautiousBelowConfidence) why.push(`confidence ${evidence.confidence.toFixed(2)} < ${config.cautiousBelowConfidence.toFixed(2)}`);
  if (request.change.hotfix) why.push('hotfix');
  return why.join(', ');
}
