// The LLM advisor: asks a model behind an OpenAI-compatible Chat Completions endpoint, with a per-attempt
// timeout, its own bounded retry with backoff (the client's retries are off: it would obey any Retry-After
// without a cap), a circuit breaker and a cache by prompt hash. It never throws: on any failure the built-in
// advisor answers and the consultation says why, for the audit trail.
import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import type { AdvisorInput, CheckedAdvice } from '../domain/advisor.js';
import type { AdvisorCall } from '../domain/advisor-call.js';
import { builtinAdvisor } from '../domain/advisor.js';
import { ANSWER_JSON_SCHEMA, adviceOf, checkLlmAnswer } from '../domain/llm-answer.js';
import { buildPrompt, PROMPT_VERSION } from '../domain/llm-prompt.js';
import type { ChatMessage } from '../domain/llm-prompt.js';
import { CircuitBreaker } from './circuit-breaker.js';

export interface LlmAdvisorSettings {
  baseUrl: string;
  model: string;
  apiKey: string | undefined;
  timeoutMs: number;
  maxRetries: number;
  temperature: number;
  retryAfterCapMs: number;
  breakerFailures: number;
  breakerCooldownMs: number;
  /** First backoff; doubled per retry, capped at 8×. */
  backoffMs?: number;
}

/** A model's answer as kept (the cache, the advisor_answers table). */
export interface StoredAnswer {
  model: string;
  text: string;
  promptTokens: number | null;
  completionTokens: number | null;
  latencyMs: number;
}

export interface AnswerCache {
  get(promptSha256: string): StoredAnswer | undefined;
  put(promptSha256: string, answer: StoredAnswer): void;
}

export class MemoryAnswerCache implements AnswerCache {
  private readonly map = new Map<string, StoredAnswer>();
  get(hash: string): StoredAnswer | undefined {
    return this.map.get(hash);
  }
  put(hash: string, answer: StoredAnswer): void {
    this.map.set(hash, answer);
  }
}

export type { AdvisorCall };

export interface Consultation {
  checked: CheckedAdvice;
  call: AdvisorCall;
  /** The answer's whole text when the model gave one (also an invalid one), to store beside the audit. */
  answerText?: string;
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The cache key: what was asked of which model, byte for byte. */
export function promptHash(model: string, temperature: number, messages: readonly ChatMessage[]): string {
  return sha256(JSON.stringify({ v: PROMPT_VERSION, model, temperature, messages }));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Seconds or an HTTP date in Retry-After, or retry-after-ms; undefined when absent or unreadable. */
function retryAfterMs(headers: Headers | undefined, now: number): number | undefined {
  const ms = Number(headers?.get('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

type Attempt = { ok: true; text: string; promptTokens: number | null; completionTokens: number | null } | { ok: false; reason: string; retryable: boolean; waitMs?: number };

export class LlmAdvisor {
  readonly name: string;
  private readonly client: OpenAI;
  readonly breaker: CircuitBreaker;

  constructor(
    readonly settings: LlmAdvisorSettings,
    private readonly cache: AnswerCache = new MemoryAnswerCache(),
    private readonly now: () => number = () => performance.now(),
  ) {
    this.name = settings.model;
    // maxRetries 0: the client would retry timeouts and obey Retry-After with no cap; the loop below bounds both.
    this.client = new OpenAI({ baseURL: settings.baseUrl, apiKey: settings.apiKey ?? 'not-needed', maxRetries: 0, timeout: settings.timeoutMs });
    this.breaker = new CircuitBreaker(settings.breakerFailures, settings.breakerCooldownMs, now);
  }

  /** The advice for one assessment; never rejects. */
  async consult(input: AdvisorInput): Promise<Consultation> {
    const { model, temperature } = this.settings;
    const messages = buildPrompt(input);
    const promptSha256 = promptHash(model, temperature, messages);
    const givenIds = input.evidence.neighbours.map((n) => n.deploymentId);
    const started = this.now();
    const base = { model, promptSha256, attempts: 0, promptTokens: null, completionTokens: null, cached: false };
    const fallback = (reason: string, extra: Partial<AdvisorCall> = {}, answerText?: string): Consultation => ({
      checked: { advice: builtinAdvisor.advise(input), by: builtinAdvisor.name, fallbackReason: reason },
      call: { ...base, latencyMs: Math.round(this.now() - started), ...extra, fallbackReason: reason },
      ...(answerText !== undefined ? { answerText } : {}),
    });

    const hit = this.cache.get(promptSha256);
    if (hit) {
      const check = checkLlmAnswer(hit.text, givenIds);
      const extra = { cached: true, answerSha256: sha256(hit.text), promptTokens: hit.promptTokens, completionTokens: hit.completionTokens };
      if (check.ok) return { checked: { advice: adviceOf(check.answer), by: model }, call: { ...base, ...extra, latencyMs: 0 }, answerText: hit.text };
      return fallback(`cached answer refused: ${check.reason}`, extra, hit.text);
    }
    if (!this.breaker.allow()) return fallback(`circuit breaker open after repeated failures (retrying in ${Math.max(0, Math.round((this.breaker.reopensAt - this.now()) / 1000))} s)`);

    let last = 'no attempt';
    for (let attempt = 1; attempt <= this.settings.maxRetries + 1; attempt++) {
      const result = await this.attempt(messages);
      if (result.ok) {
        const latencyMs = Math.round(this.now() - started);
        const tokens = { promptTokens: result.promptTokens, completionTokens: result.completionTokens };
        const check = checkLlmAnswer(result.text, givenIds);
        const extra = { attempts: attempt, answerSha256: sha256(result.text), ...tokens };
        if (!check.ok) {
          // A model answering garbage is as broken as one not answering: it counts towards the breaker.
          this.breaker.failure();
          return fallback(check.reason, extra, result.text);
        }
        this.breaker.success();
        try {
          this.cache.put(promptSha256, { model, text: result.text, ...tokens, latencyMs });
        } catch {
          // A cache that cannot be written (a busy database) costs a repeated question later, not this answer.
        }
        return { checked: { advice: adviceOf(check.answer), by: model }, call: { ...base, ...extra, latencyMs }, answerText: result.text };
      }
      last = result.reason;
      if (!result.retryable || attempt > this.settings.maxRetries) {
        this.breaker.failure();
        return fallback(result.reason, { attempts: attempt });
      }
      const backoff = Math.min((this.settings.backoffMs ?? 200) * 2 ** (attempt - 1), (this.settings.backoffMs ?? 200) * 8);
      const wait = result.waitMs ?? backoff;
      if (wait > this.settings.retryAfterCapMs) {
        this.breaker.failure();
        return fallback(`${result.reason}; Retry-After ${Math.round(wait / 1000)} s exceeds the ${Math.round(this.settings.retryAfterCapMs / 1000)} s cap`, { attempts: attempt });
      }
      await sleep(wait);
    }
    this.breaker.failure();
    return fallback(last);
  }

  private async attempt(messages: ChatMessage[]): Promise<Attempt> {
    try {
      const completion = await this.client.chat.completions.create({
        model: this.settings.model,
        messages,
        temperature: this.settings.temperature,
        response_format: { type: 'json_schema', json_schema: { ...ANSWER_JSON_SCHEMA, schema: { ...ANSWER_JSON_SCHEMA.schema } } },
      });
      const text = completion.choices[0]?.message?.content;
      if (typeof text !== 'string' || text.length === 0) return { ok: false, reason: 'the model returned no content', retryable: false };
      return { ok: true, text, promptTokens: completion.usage?.prompt_tokens ?? null, completionTokens: completion.usage?.completion_tokens ?? null };
    } catch (error) {
      return classify(error, Date.now());
    }
  }
}

function classify(error: unknown, now: number): Attempt {
  if (error instanceof OpenAI.APIConnectionTimeoutError) return { ok: false, reason: 'timed out', retryable: true };
  if (error instanceof OpenAI.APIConnectionError) return { ok: false, reason: `connection failed: ${error.message}`, retryable: true };
  if (error instanceof OpenAI.APIError) {
    const status = error.status ?? 0;
    const wait = retryAfterMs(error.headers, now);
    const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
    return { ok: false, reason: `HTTP ${status}${status === 429 ? ' (rate limited)' : ''}`, retryable, ...(wait !== undefined ? { waitMs: wait } : {}) };
  }
  // A body that is not JSON at all makes the client itself throw a SyntaxError.
  if (error instanceof SyntaxError) return { ok: false, reason: 'malformed JSON in the response', retryable: false };
  return { ok: false, reason: `failed: ${error instanceof Error ? error.message : String(error)}`, retryable: false };
}
