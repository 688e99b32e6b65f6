// The advisor_answers table: a model's answers kept whole, and the cache of valid ones by prompt hash, so the
// same question is not asked twice (a restart, a replay) and the audit's answer hash can be looked up.
import type { AnswerCache, StoredAnswer } from '../advisor/llm-advisor.js';
import { sha256 } from '../advisor/llm-advisor.js';
import type { Db } from './database.js';

export interface AnswerRow extends StoredAnswer {
  promptSha256: string;
  answerSha256: string;
  valid: boolean;
  at: string;
}

export class AdvisorAnswers implements AnswerCache {
  private readonly insert;
  private readonly latestValid;

  constructor(private readonly db: Db, private readonly nowIso: () => string = () => new Date().toISOString()) {
    this.insert = db.prepare(
      `INSERT INTO advisor_answers (prompt_sha256, answer_sha256, model, answer, valid, prompt_tokens, completion_tokens, latency_ms, at)
       VALUES (@promptSha256, @answerSha256, @model, @text, @valid, @promptTokens, @completionTokens, @latencyMs, @at)
       ON CONFLICT (prompt_sha256, answer_sha256) DO NOTHING`,
    );
    this.latestValid = db.prepare('SELECT model, answer AS text, prompt_tokens AS promptTokens, completion_tokens AS completionTokens, latency_ms AS latencyMs FROM advisor_answers WHERE prompt_sha256 = ? AND valid = 1 ORDER BY at DESC LIMIT 1');
  }

  get(promptSha256: string): StoredAnswer | undefined {
    return this.latestValid.get(promptSha256) as StoredAnswer | undefined;
  }

  put(promptSha256: string, answer: StoredAnswer): void {
    this.keep(promptSha256, answer, true);
  }

  /** Keeps an answer (valid or not) whole; its hash is what the audit entry carries. */
  keep(promptSha256: string, answer: StoredAnswer, valid: boolean): void {
    this.insert.run({ promptSha256, answerSha256: sha256(answer.text), ...answer, valid: valid ? 1 : 0, at: this.nowIso() });
  }

  byAnswerHash(answerSha256: string): AnswerRow | undefined {
    const row = this.db
      .prepare('SELECT prompt_sha256 AS promptSha256, answer_sha256 AS answerSha256, model, answer AS text, valid, prompt_tokens AS promptTokens, completion_tokens AS completionTokens, latency_ms AS latencyMs, at FROM advisor_answers WHERE answer_sha256 = ? LIMIT 1')
      .get(answerSha256) as (Omit<AnswerRow, 'valid'> & { valid: number }) | undefined;
    return row ? { ...row, valid: row.valid === 1 } : undefined;
  }

  /** Every valid answer, for `record` to write into a fixture. */
  allValid(): Array<{ promptSha256: string; answer: StoredAnswer }> {
    return (this.db.prepare('SELECT prompt_sha256 AS promptSha256, model, answer AS text, prompt_tokens AS promptTokens, completion_tokens AS completionTokens, latency_ms AS latencyMs FROM advisor_answers WHERE valid = 1 ORDER BY prompt_sha256, at').all() as Array<StoredAnswer & { promptSha256: string }>).map(
      ({ promptSha256, ...answer }) => ({ promptSha256, answer }),
    );
  }
}
