// An LLM advisor from the `advisor:` configuration; the API key is read from the named environment variable.
import type { OpenAiAdvisorConfig } from '../domain/advisor-config.js';
import { InputError } from '../io/input-error.js';
import type { AnswerCache } from './llm-advisor.js';
import { LlmAdvisor } from './llm-advisor.js';

export function llmAdvisorFromConfig(c: OpenAiAdvisorConfig, configFile: string, cache?: AnswerCache, env: NodeJS.ProcessEnv = process.env): LlmAdvisor {
  const apiKey = c.apiKeyEnv ? env[c.apiKeyEnv] : undefined;
  if (c.apiKeyEnv && !apiKey) {
    throw new InputError([{ file: configFile, field: 'advisor.apiKeyEnv', message: `environment variable ${c.apiKeyEnv} is not set (it should hold the API key)` }]);
  }
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
