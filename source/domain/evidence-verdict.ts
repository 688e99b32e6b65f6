// Whether the retrieved evidence supports running without a human. Governance applies this itself, so an
// advisor that always says "proceed" cannot widen what runs alone (SPEC.md: a hostile advisor changes no gate).
import type { Config } from './config.js';
import type { Evidence } from './evidence.js';
import type { RiskLevel } from './risk.js';

export interface EvidenceVerdict {
  supports: boolean;
  reason: string;
}

const SUPPORTS: EvidenceVerdict = { supports: true, reason: 'the evidence does not stand against it' };
const fmt = (x: number): string => x.toFixed(2);

export function evidenceVerdict(level: RiskLevel, evidence: Evidence, config: Config): EvidenceVerdict {
  const { confidence: c, similarFailureRate: p } = evidence;
  // Failures among neighbours only count as evidence once there is enough of it to trust.
  if (p > config.maxSimilarFailureShare && c >= config.cautiousBelowConfidence) {
    return { supports: false, reason: `similar deployments failed at ${fmt(p)} > ${fmt(config.maxSimilarFailureShare)} (confidence ${fmt(c)})` };
  }
  if (level === 'MEDIUM' && c < config.governedMinConfidence) {
    return { supports: false, reason: `MEDIUM risk with confidence ${fmt(c)} < ${fmt(config.governedMinConfidence)}` };
  }
  return SUPPORTS;
}
