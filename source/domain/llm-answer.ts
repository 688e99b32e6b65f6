// What an LLM advisor must answer, as a zod schema (the check) and a JSON schema (what the model is asked for
// through structured output). Pure: the raw text in, an answer or the reason it was refused out.
import { z } from 'zod';
import type { Advice } from './advisor.js';

export const llmAnswerSchema = z.strictObject({
  recommendation: z.enum(['proceed', 'hold', 'reject']),
  confidence: z.number().min(0).max(1),
  rationale: z.string().min(1).max(500),
  evidenceIds: z.array(z.string()).max(50),
});
export type LlmAnswer = z.infer<typeof llmAnswerSchema>;

/** `response_format` for Chat Completions (strict structured output: every key required, nothing else). */
export const ANSWER_JSON_SCHEMA = {
  name: 'deployment_advice',
  strict: true,
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['recommendation', 'confidence', 'rationale', 'evidenceIds'],
    properties: {
      recommendation: { type: 'string', enum: ['proceed', 'hold', 'reject'] },
      confidence: { type: 'number', minimum: 0, maximum: 1 },
      rationale: { type: 'string', maxLength: 500 },
      evidenceIds: { type: 'array', items: { type: 'string' } },
    },
  },
} as const;

export type AnswerCheck = { ok: true; answer: LlmAnswer } | { ok: false; reason: string };

/** Parses and checks a model's answer; the evidence it cites must be among the ids it was given. */
export function checkLlmAnswer(text: string, givenIds: readonly string[]): AnswerCheck {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'malformed JSON in the answer' };
  }
  const parsed = llmAnswerSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `answer violates the schema at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}` };
  }
  const given = new Set(givenIds);
  const unknown = parsed.data.evidenceIds.filter((id) => !given.has(id));
  if (unknown.length > 0) return { ok: false, reason: `answer cites ${unknown.length} evidence id(s) that were not given` };
  return { ok: true, answer: parsed.data };
}

export const adviceOf = (a: LlmAnswer): Advice => ({ recommendation: a.recommendation, confidence: a.confidence, rationale: a.rationale });
