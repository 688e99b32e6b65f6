// The live engine's model consultations, outside its write transactions: a submission is evaluated, the model
// is asked (asynchronously, at most `maxConcurrent` at once), and only when it has answered, or the built-in
// advisor has stood in, is the finished assessment handed to the engine. The loop never waits for a model:
// while one thinks, other submissions, operator actions and canaries go on.
import type { Assessment, Assessor, Evaluation } from '../domain/assess.js';
import type { DeploymentRequest } from '../domain/schemas.js';
import { sanitize } from '../domain/sanitize.js';
import type { AdvisorAnswers } from '../store/advisor-answers.js';
import type { Consultation, LlmAdvisor } from './llm-advisor.js';

export interface AdvisingQueueDeps {
  advisor: Pick<LlmAdvisor, 'consult' | 'name'>;
  assessor: Assessor;
  /** Where invalid answers are kept whole too (valid ones go there through the advisor's cache). */
  answers?: Pick<AdvisorAnswers, 'keep'>;
  maxConcurrent: number;
  log?: (line: string) => void;
  /**
   * Text embeddings (advisor.embeddings): the request's text vector is fetched before it is evaluated, on this
   * same road outside the write transactions; `ensure` answers why when it could not be (never rejects).
   */
  texts?: { model: string; ensure(request: DeploymentRequest): Promise<string | undefined> };
  /** Audits what the engine noticed here (an embedding that failed); its own errors are the caller's to log. */
  note?: (event: string, payload: Record<string, unknown>) => void;
}

/** Finished consultations kept for submissions not taken yet. */
const READY_LIMIT = 10_000;

export class AdvisingQueue {
  private readonly ready = new Map<string, Assessment>();
  private readonly inFlight = new Set<string>();
  /** Called when a consultation ends, so the engine takes its submission now rather than at its next poll. */
  onReady: (() => void) | undefined;

  constructor(private readonly deps: AdvisingQueueDeps) {}

  /** Consultations under way. */
  get busy(): number {
    return this.inFlight.size;
  }

  /**
   * The assessment with the model's advice once it is ready; undefined while the model is being asked (or
   * the queue is full). `check` runs first and throws for a request the engine would refuse anyway, so no
   * model is asked about a duplicate or an unknown service.
   */
  take(id: string, request: DeploymentRequest, check: () => unknown): Assessment | undefined {
    const done = this.ready.get(id);
    if (done) {
      this.ready.delete(id);
      return done;
    }
    if (this.inFlight.has(id) || this.inFlight.size >= this.deps.maxConcurrent) return undefined;
    check();
    const { assessor, advisor, texts } = this.deps;
    const consult = (evaluation: Evaluation): Promise<void> =>
      advisor.consult(assessor.advisorInput(evaluation)).then((c) => {
        this.keepInvalid(c);
        if (c.call.fallbackReason) this.deps.log?.(`advisor ${sanitize(advisor.name, 80)} for ${sanitize(id, 80)}: the built-in advisor stands in (${sanitize(c.call.fallbackReason, 200)})`);
        const a = assessor.conclude(evaluation, c.checked);
        this.ready.set(id, { ...a, advisor: { ...a.advisor, call: c.call } });
        // A submission withdrawn or refused as stale while its model thought is never taken: oldest go first.
        if (this.ready.size > READY_LIMIT) this.ready.delete(this.ready.keys().next().value as string);
      });
    // Without text embeddings the request is evaluated at once; with them, once its text has a vector (or not).
    let started: Promise<void>;
    if (texts) {
      this.inFlight.add(id);
      started = texts.ensure(request).then((failure) => {
        if (failure) this.textFailed(id, texts.model, failure);
        return consult(assessor.evaluate(request));
      });
    } else {
      const evaluation = assessor.evaluate(request);
      this.inFlight.add(id);
      started = consult(evaluation);
    }
    void started
      .catch((error: unknown) => {
        // consult() does not reject; if it ever did, the next pass asks again rather than losing the request.
        this.deps.log?.(`advisor ${advisor.name}: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => {
        this.inFlight.delete(id);
        this.onReady?.();
      });
    return undefined;
  }

  /** Retrieved by structure alone: logged and audited, and the request goes on. */
  private textFailed(id: string, model: string, reason: string): void {
    this.deps.log?.(`text embedding for ${sanitize(id, 80)} failed (${sanitize(reason, 200)}): retrieved by its structural features alone`);
    try {
      this.deps.note?.('text_embedding_failed', { requestId: id, model, reason, retrieval: 'structural features alone' });
    } catch (error) {
      this.deps.log?.(`could not audit the failed text embedding for ${sanitize(id, 80)}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private keepInvalid(c: Consultation): void {
    if (c.answerText === undefined || !c.call.fallbackReason || c.call.cached) return;
    try {
      this.deps.answers?.keep(c.call.promptSha256, { model: c.call.model, text: c.answerText, promptTokens: c.call.promptTokens, completionTokens: c.call.completionTokens, latencyMs: c.call.latencyMs }, false);
    } catch (error) {
      // A busy database loses the stored copy, not the decision: the audit still has the answer's hash.
      this.deps.log?.(`could not keep the invalid answer ${c.call.answerSha256 ?? ''}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
