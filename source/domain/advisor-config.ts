// The `advisor:` section of the configuration: the built-in advisor (default) or a model behind any
// OpenAI-compatible Chat Completions endpoint (OpenAI, Azure OpenAI, Ollama, vLLM, llama.cpp, LM Studio).
import { z } from 'zod';

const positiveInt = z.number().int().positive();

export const openAiAdvisorSchema = z.strictObject({
  kind: z.literal('openai'),
  /** The endpoint's base URL, up to and including /v1 (e.g. http://127.0.0.1:11434/v1 for Ollama). */
  baseUrl: z.url({ protocol: /^https?$/ }),
  model: z.string().min(1).max(200),
  /** Name of the environment variable holding the API key; none for local servers that need none. */
  apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'expected an environment variable name' }).optional(),
  /** Per attempt; the whole consultation is bounded by (maxRetries + 1) attempts plus capped waits. */
  timeoutSeconds: z.number().positive().max(600).default(20),
  maxRetries: z.number().int().min(0).max(10).default(2),
  temperature: z.number().min(0).max(2).default(0),
  /** Consultations in flight at once (the live engine asks for several gates concurrently). */
  maxConcurrent: positiveInt.max(256).default(8),
  /** A Retry-After longer than this is not waited for: the built-in advisor answers instead. */
  retryAfterCapSeconds: z.number().nonnegative().max(600).default(10),
  breaker: z
    .strictObject({ failures: positiveInt.default(5), cooldownSeconds: z.number().positive().default(60) })
    .default({ failures: 5, cooldownSeconds: 60 }),
  /**
   * Optional text embeddings from the same endpoint's /v1/embeddings, combined with the structural features
   * (`weight`: the text part's share of the vector's length). Used for retrieval by the live engine, `whatif`
   * and `evaluate`.
   */
  embeddings: z
    .strictObject({ model: z.string().min(1).max(200), dimensions: positiveInt.max(8_192), weight: z.number().gt(0).lt(1).default(0.5) })
    .optional(),
});
export type OpenAiAdvisorConfig = z.infer<typeof openAiAdvisorSchema>;

export const advisorConfigSchema = z
  .discriminatedUnion('kind', [z.strictObject({ kind: z.literal('builtin') }), openAiAdvisorSchema])
  .default({ kind: 'builtin' });
export type AdvisorConfig = z.infer<typeof advisorConfigSchema>;
