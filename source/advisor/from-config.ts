// An LLM advisor from the `advisor:` configuration; the API key is read from the named environment variable.
import type { OpenAiAdvisorConfig } from '../domain/advisor-config.js';
import type { Assessor } from '../domain/assess.js';
import type { Config } from '../domain/config.js';
import { sanitize } from '../domain/sanitize.js';
import type { Db } from '../store/database.js';
import { AdvisorAnswers } from '../store/advisor-answers.js';
import { AdvisingQueue } from './advising-queue.js';
import type { AdvisingQueueDeps } from './advising-queue.js';
import { InputError } from '../io/input-error.js';
import type { AnswerCache } from './llm-advisor.js';
import { LlmAdvisor } from './llm-advisor.js';

/** The API key from the environment variable the configuration names; an error naming the field when unset. */
export function apiKeyOf(c: OpenAiAdvisorConfig, configFile: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const apiKey = c.apiKeyEnv ? env[c.apiKeyEnv] : undefined;
  if (c.apiKeyEnv && !apiKey) {
    throw new InputError([{ file: configFile, field: 'advisor.apiKeyEnv', message: `environment variable ${c.apiKeyEnv} is not set (it should hold the API key)` }]);
  }
  return apiKey;
}

export function llmAdvisorFromConfig(c: OpenAiAdvisorConfig, configFile: string, cache?: AnswerCache, env: NodeJS.ProcessEnv = process.env): LlmAdvisor {
  const apiKey = apiKeyOf(c, configFile, env);
  return new LlmAdvisor(
    {
      baseUrl: c.baseUrl,
      model: c.model,
      apiKey,
      timeoutMs: c.timeoutSeconds * 1000,
      maxRetries: c.maxRetries,
      temperature: c.temperature,
      retryAfterCapMs: c.retryAfterCapSeconds * 1000,
      breakerFailures: c.breaker.failures,
      breakerCooldownMs: c.breaker.cooldownSeconds * 1000,
    },
    cache,
  );
}

/** The live engine's consultation queue when the configuration names a model; undefined for the built-in advisor. */
export function advisingFor(
  config: Config,
  configFile: string | undefined,
  db: Db,
  assessor: Assessor,
  log: (line: string) => void,
  /** Text embeddings ready for the live engine (advisor.embeddings), and how to audit one that fails. */
  embeddings?: Pick<AdvisingQueueDeps, 'texts' | 'note'>,
): AdvisingQueue | undefined {
  const c = config.advisor;
  if (c.kind !== 'openai') return undefined;
  const answers = new AdvisorAnswers(db);
  const advisor = llmAdvisorFromConfig(c, configFile ?? '(configuration)', answers);
  // The URL is the operator's own configuration, but it is shown cleaned like any text.
  log(`advisor: model ${sanitize(c.model, 100)} at ${sanitize(c.baseUrl, 200)} (timeout ${c.timeoutSeconds} s, ${c.maxRetries} retries, ${c.maxConcurrent} at once); the built-in advisor answers whenever it cannot`);
  if (c.embeddings && !embeddings?.texts) log('advisor.embeddings is set, but this engine retrieves with the structural features alone (the text embeddings are not available)');
  return new AdvisingQueue({ advisor, assessor, answers, maxConcurrent: c.maxConcurrent, log, ...embeddings });
}
