// Replays recorded deployments' decisions under two configurations. Each request is assessed against the
// history as it stood when it was requested (the deployments recorded as finished before it), with the
// recorded outcomes: what changes between the two sides is the configuration and nothing else.
// LEARNING autonomy moves each side's thresholds as the engine would (whatif-learning.ts).
import { Assessor, UnknownServiceError } from '../domain/assess.js';
import type { Assessment } from '../domain/assess.js';
import type { SyncAdvisor } from '../domain/advisor.js';
import { builtinAdvisor } from '../domain/advisor.js';
import type { CatalogIndex } from '../domain/catalog.js';
import type { Config } from '../domain/config.js';
import type { Embedder } from '../domain/embedding.js';
import { featureEmbedder } from '../domain/embedding.js';
import type { DeploymentRequest, Outcome } from '../domain/schemas.js';
import type { DecisionSide, WhatifRow } from '../domain/whatif.js';
import { ReplayHistory } from './whatif-history.js';
import { ReplayLearning } from './whatif-learning.js';
import type { LearningSummary } from './whatif-learning.js';

export interface RecordedDeployment {
  request: DeploymentRequest;
  outcome?: Outcome;
  finishedAt?: string;
  failureReason?: string;
  /** The decision the engine recorded at the time, when known: for the fidelity check. */
  recordedAction?: string;
}

export interface WhatifReplay {
  rows: WhatifRow[];
  /** Requests whose service is not in the catalog. */
  skipped: string[];
  /** Of the deployments with a recorded decision, how many the baseline replay decides the same way. */
  fidelity: { compared: number; same: number };
  /** For a side under LEARNING autonomy: how often its thresholds moved, and where they ended. */
  learning: { base?: LearningSummary; next?: LearningSummary };
}

/**
 * Each request is embedded once, not three times (two assessments and its entry into history). As evidence,
 * a deployment with a failure reason may have another vector (text embeddings): asked of the embedder itself.
 */
export function memoised(embedder: Embedder): Embedder {
  const seen = new WeakMap<DeploymentRequest, number[]>();
  const memo: Embedder = {
    dimensions: embedder.dimensions,
    version: embedder.version,
    embed(request, entry) {
      let v = seen.get(request);
      if (!v) seen.set(request, (v = embedder.embed(request, entry)));
      return v;
    },
  };
  const evidence = embedder.embedEvidence?.bind(embedder);
  if (evidence) memo.embedEvidence = (request, entry, failureReason) => (failureReason ? evidence(request, entry, failureReason) : memo.embed(request, entry));
  return memo;
}

const side = (a: Assessment): DecisionSide => ({ action: a.decision.action, plan: a.decision.plan, level: a.level, score: a.score, reason: a.decision.reasons[0] ?? '' });

/**
 * Walks recorded requests in the order they were made; before each one, the deployments recorded as finished
 * earlier are added to the histories (one per embedder). `visit` sees each request with them as they stood.
 */
export function walkHistory(
  recorded: readonly RecordedDeployment[],
  catalog: CatalogIndex,
  embedders: readonly Embedder[],
  visit: (r: RecordedDeployment, t: number, histories: readonly ReplayHistory[]) => void,
  /** Each recorded deployment as it enters history (finished), in the order they finished. */
  onFinished?: (r: RecordedDeployment & { outcome: Outcome }) => void,
): void {
  // Times parsed once: sorting 15k records would otherwise parse each date about 30 times.
  const requests = recorded.map((r) => ({ r, t: Date.parse(r.request.requestedAt) })).sort((a, b) => a.t - b.t);
  const finished = recorded
    .filter((r) => r.outcome !== undefined && r.finishedAt !== undefined)
    .map((r) => ({ r, t: Date.parse(r.finishedAt as string) }))
    .sort((a, b) => a.t - b.t);
  const histories = embedders.map((e) => new ReplayHistory(catalog, e, finished.length));
  let added = 0;
  for (const { r, t } of requests) {
    while (added < finished.length && (finished[added] as { t: number }).t < t) {
      const f = (finished[added] as { r: RecordedDeployment }).r;
      const record = { request: f.request, outcome: f.outcome as Outcome, finishedAt: f.finishedAt as string, ...(f.failureReason ? { failureReason: f.failureReason } : {}) };
      for (const history of histories) history.add(record);
      onFinished?.({ ...f, outcome: record.outcome });
      added += 1;
    }
    visit(r, t, histories);
  }
}

/**
 * `nextEmbedder`: when the new configuration retrieves differently (text embeddings), its own history index.
 * `advisor`: who advises on both sides (the built-in advisor, or a fixture's recorded model answers).
 */
export function replayDecisions(recorded: readonly RecordedDeployment[], catalog: CatalogIndex, base: Config, next: Config, baseEmbedder: Embedder = featureEmbedder, nextEmbedder: Embedder = baseEmbedder, advisor: SyncAdvisor = builtinAdvisor): WhatifReplay {
  const embedders = baseEmbedder.version === nextEmbedder.version ? [memoised(baseEmbedder)] : [memoised(baseEmbedder), memoised(nextEmbedder)];
  let assessors: { base: Assessor; next: Assessor } | undefined;
  const rows: WhatifRow[] = [];
  const skipped: string[] = [];
  const fidelity = { compared: 0, same: 0 };
  const learning = { base: new ReplayLearning(base), next: new ReplayLearning(next) };
  walkHistory(recorded, catalog, embedders, (r, t, histories) => {
    const last = embedders.length - 1;
    assessors ??= {
      base: new Assessor(catalog, base, histories[0] as ReplayHistory, embedders[0] as Embedder),
      next: new Assessor(catalog, next, histories[last] as ReplayHistory, embedders[last] as Embedder),
    };
    let a: Assessment;
    let b: Assessment;
    try {
      a = assessors.base.assess(r.request, advisor);
      b = assessors.next.assess(r.request, advisor);
    } catch (error) {
      if (!(error instanceof UnknownServiceError)) throw error;
      skipped.push(r.request.id);
      return;
    }
    learning.base.assessed(r.request.id, a.score);
    learning.next.assessed(r.request.id, b.score);
    if (r.recordedAction !== undefined) {
      fidelity.compared += 1;
      if (r.recordedAction === a.decision.action) fidelity.same += 1;
    }
    rows.push({ id: r.request.id, serviceId: r.request.serviceId, requestedAtMs: t, outcome: r.outcome, base: side(a), next: side(b) });
  }, (f) => {
    if (!assessors) return;
    learning.base.finished(f.request.id, f.outcome, assessors.base);
    learning.next.finished(f.request.id, f.outcome, assessors.next);
  });
  const baseLearning = learning.base.summary(assessors?.base);
  const nextLearning = learning.next.summary(assessors?.next);
  return { rows, skipped, fidelity, learning: { ...(baseLearning ? { base: baseLearning } : {}), ...(nextLearning ? { next: nextLearning } : {}) } };
}
