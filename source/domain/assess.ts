// The governed decision, end to end and pure: request → context → risk → policies → advice → decision.
import type { Config, FactorName } from './config.js';
import type { CatalogIndex, ServiceEntry } from './catalog.js';
import type { DeploymentRequest } from './schemas.js';
import type { HistoryView } from './history.js';
import type { Embedder } from './embedding.js';
import type { Evidence } from './evidence.js';
import { NO_EVIDENCE, summariseEvidence } from './evidence.js';
import type { FailurePosterior } from './bayes.js';
import { failurePosterior } from './bayes.js';
import type { PolicyResult, PolicySet } from './policy.js';
import { compilePolicies } from './policy.js';
import type { RiskScore } from './risk.js';
import { blastRadiusFactor, complexityFactor, healthFactor, historicalFactor, tierFactor, timingFactor, weightedScore } from './risk.js';
import type { Advice, Advisor, AdvisorInput, CheckedAdvice, SyncAdvisor } from './advisor.js';
import { adviseSafely, adviseSync, builtinAdvisor } from './advisor.js';
import type { Decision } from './autonomy.js';
import type { AdvisorCall } from './advisor-call.js';
import { decide } from './autonomy.js';
import { localTime } from './local-time.js';

export interface Assessment {
  requestId: string;
  serviceId: string;
  score: number;
  level: RiskScore['level'];
  factors: RiskScore['factors'];
  policies: PolicyResult[];
  /** `call`: present when a model was consulted (model, prompt hash, latency, tokens), for the audit. */
  advisor: Advice & { by: string; fallbackReason?: string; call?: AdvisorCall };
  evidence: Array<{ deploymentId: string; similarity: number; outcome: string; failureReason?: string }>;
  confidence: number;
  similarFailureRate: number;
  history: { executed: number; failures: number; fleetRate: number; posteriorMean: number; interval90: [number, number] };
  decision: Decision;
}

/** Everything decided before the advisor speaks. */
export interface Evaluation {
  request: DeploymentRequest;
  entry: ServiceEntry;
  evidence: Evidence;
  posterior: FailurePosterior;
  risk: RiskScore;
  policies: PolicyResult[];
}

export class UnknownServiceError extends Error {
  constructor(readonly serviceId: string) {
    super(`unknown service "${serviceId}": not in the catalog`);
  }
}

export class Assessor {
  private readonly policies: PolicySet;
  private readonly holidays: ReadonlySet<string>;
  private readonly posteriors = new Map<string, FailurePosterior>();

  constructor(
    private readonly catalog: CatalogIndex,
    readonly config: Config,
    private readonly history: HistoryView,
    private readonly embedder: Embedder,
  ) {
    this.policies = compilePolicies(config);
    this.levels = config.levels;
    this.holidays = new Set(config.holidays);
  }

  /** The posterior depends on counts only; quantiles are costly, so it is memoised on them. */
  private posterior(serviceId: string): FailurePosterior {
    const s = this.history.serviceCounts(serviceId);
    const f = this.history.fleetCounts();
    const key = `${s.executed}|${s.failures}|${f.executed}|${f.failures}`;
    let p = this.posteriors.get(key);
    if (!p) {
      const r = this.config.retrieval;
      p = failurePosterior(s, f, r.priorStrength, r.emptyFleetFailureRate);
      if (this.posteriors.size > 10_000) this.posteriors.clear();
      this.posteriors.set(key, p);
    }
    return p;
  }

  /** The level thresholds in force (LEARNING autonomy moves them within ±0.05 of the configured ones). */
  private levels: Config['levels'];

  get thresholds(): Config['levels'] {
    return this.levels;
  }

  setThresholds(levels: Config['levels']): void {
    this.levels = levels;
  }

  evaluate(request: DeploymentRequest): Evaluation {
    const entry = this.catalog.get(request.serviceId);
    if (!entry) throw new UnknownServiceError(request.serviceId);
    const { service } = entry;
    const k = this.config.retrieval.k;
    // Only executed deployments are indexed: with none, there is nothing to search (and no vector to build).
    const searchable = this.history.fleetCounts().executed > 0;
    const evidence = searchable ? summariseEvidence(this.history.nearest(this.embedder.embed(request, entry), k), k) : NO_EVIDENCE;
    const posterior = this.posterior(service.id);
    const requestedAtMs = Date.parse(request.requestedAt);
    const local = localTime(requestedAtMs, service.timezone);
    const values: Record<FactorName, number> = {
      service_tier: tierFactor(service.tier),
      service_health: healthFactor(service, service.slo ?? this.config.slo),
      historical_failure: historicalFactor(posterior, evidence),
      blast_radius: blastRadiusFactor(entry),
      change_complexity: complexityFactor(request.change),
      timing: timingFactor(local, this.holidays),
    };
    const risk = weightedScore(values, this.config.weights, this.levels);
    const policies = this.policies.evaluate({ request, requestedAtMs, local, service, risk });
    return { request, entry, evidence, posterior, risk, policies };
  }

  advisorInput(e: Evaluation): AdvisorInput {
    return { request: e.request, service: e.entry.service, risk: e.risk, evidence: e.evidence, posterior: e.posterior, policies: e.policies, config: this.config };
  }

  conclude(e: Evaluation, { advice, by, fallbackReason }: CheckedAdvice): Assessment {
    const decision = decide({ request: e.request, level: e.risk.level, evidence: e.evidence, policies: e.policies, advice, config: this.config });
    return {
      requestId: e.request.id,
      serviceId: e.request.serviceId,
      score: e.risk.score,
      level: e.risk.level,
      factors: e.risk.factors,
      policies: e.policies,
      advisor: { ...advice, by, ...(fallbackReason ? { fallbackReason } : {}) },
      evidence: e.evidence.neighbours.map((n) => ({
        deploymentId: n.deploymentId,
        similarity: n.similarity,
        outcome: n.outcome,
        ...(n.failureReason ? { failureReason: n.failureReason } : {}),
      })),
      confidence: e.evidence.confidence,
      similarFailureRate: e.evidence.similarFailureRate,
      history: {
        executed: e.posterior.executed,
        failures: e.posterior.failures,
        fleetRate: e.posterior.fleetRate,
        posteriorMean: e.posterior.mean,
        interval90: e.posterior.interval90,
      },
      decision,
    };
  }

  /** With a synchronous advisor; its answer is checked like any other advisor's. */
  assess(request: DeploymentRequest, advisor: SyncAdvisor = builtinAdvisor): Assessment {
    const e = this.evaluate(request);
    return this.conclude(e, adviseSync(advisor, this.advisorInput(e)));
  }

  /** With advice prepared elsewhere (an LLM consulted outside the engine's transaction), checked by `advise`. */
  assessChecked(request: DeploymentRequest, advise: (input: AdvisorInput) => CheckedAdvice): Assessment {
    const e = this.evaluate(request);
    return this.conclude(e, advise(this.advisorInput(e)));
  }

  async assessWith(request: DeploymentRequest, advisor: Advisor): Promise<Assessment> {
    const e = this.evaluate(request);
    return this.conclude(e, await adviseSafely(advisor, this.advisorInput(e)));
  }
}
