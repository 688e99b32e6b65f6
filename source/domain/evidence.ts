// Pillar 1's numbers from a set of nearest neighbours: the similar-failure rate p̂ and the confidence c.
import type { Outcome } from './schemas.js';

export interface Neighbour {
  deploymentId: string;
  serviceId: string;
  /** Cosine similarity in [0, 1] (negative similarities are clipped to 0). */
  similarity: number;
  outcome: Outcome;
  failureReason?: string;
  finishedAt: string;
}

export interface Evidence {
  neighbours: readonly Neighbour[];
  /** Similarity-weighted share of the neighbours that failed or rolled back. */
  similarFailureRate: number;
  confidence: number;
}

export const isFailure = (outcome: Outcome): boolean => outcome === 'failed' || outcome === 'rolled_back';
/** Outcomes of deployments that took traffic: only these count in failure statistics. */
export const isExecuted = (outcome: Outcome): boolean => outcome === 'succeeded' || isFailure(outcome);

export const NO_EVIDENCE: Evidence = { neighbours: [], similarFailureRate: 0, confidence: 0 };

/** c = mean similarity × (0.5 + 0.5·|2p̂ − 1|) × min(1, n/k). */
export function summariseEvidence(neighbours: readonly Neighbour[], k: number): Evidence {
  const n = neighbours.length;
  if (n === 0) return NO_EVIDENCE;
  let weight = 0;
  let failedWeight = 0;
  for (const nb of neighbours) {
    const s = Math.max(0, nb.similarity);
    weight += s;
    if (isFailure(nb.outcome)) failedWeight += s;
  }
  const similarFailureRate = weight > 0 ? failedWeight / weight : 0;
  const meanSimilarity = weight / n;
  const confidence = meanSimilarity * (0.5 + 0.5 * Math.abs(2 * similarFailureRate - 1)) * Math.min(1, n / k);
  return { neighbours, similarFailureRate, confidence };
}
