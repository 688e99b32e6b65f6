// What the audit trail records about one consultation of a model advisor (the answer itself is stored whole in
// the advisor_answers table; the chain carries its hash).
export interface AdvisorCall {
  model: string;
  /** SHA-256 of what was asked (prompt version, model, temperature, messages): also the cache key. */
  promptSha256: string;
  /** SHA-256 of the answer's text, when the model gave one (also an invalid one). */
  answerSha256?: string;
  latencyMs: number;
  attempts: number;
  promptTokens: number | null;
  completionTokens: number | null;
  /** Answered from the cache (or a recorded fixture) instead of the model. */
  cached: boolean;
  /** Why the built-in advisor answered instead. */
  fallbackReason?: string;
}
