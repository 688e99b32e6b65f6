// Text embeddings from the same OpenAI-compatible endpoint (/v1/embeddings), cached by the text's SHA-256.
// Every vector is checked: the configured number of dimensions, finite numbers; anything else is an error
// naming the model, not a vector quietly truncated or padded.
import OpenAI from 'openai';
import { sha256 } from './llm-advisor.js';

export interface EmbeddingsSettings {
  baseUrl: string;
  apiKey: string | undefined;
  model: string;
  dimensions: number;
  timeoutMs: number;
  maxRetries: number;
}

export class EmbeddingError extends Error {}

const BATCH = 64;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class TextEmbeddings {
  private readonly client: OpenAI;
  private readonly cache = new Map<string, number[]>();
  /** Told of each batch of vectors fetched from the endpoint (by text SHA-256), e.g. to keep them. */
  onFetched: ((entries: Array<[string, number[]]>) => void) | undefined;

  constructor(readonly settings: EmbeddingsSettings) {
    this.client = new OpenAI({ baseURL: settings.baseUrl, apiKey: settings.apiKey ?? 'not-needed', maxRetries: 0, timeout: settings.timeoutMs });
  }

  /** The cached vector of a text (after `prefetch`). */
  vectorOf(text: string): number[] | undefined {
    return this.cache.get(sha256(text));
  }

  /** A vector known already (kept from an earlier run), by its text's SHA-256. */
  preload(textSha256: string, vector: number[]): void {
    this.cache.set(textSha256, vector);
  }

  /** Embeds every text not cached yet, in batches. */
  async prefetch(texts: Iterable<string>): Promise<void> {
    const missing = [...new Set(texts)].filter((t) => !this.cache.has(sha256(t)));
    for (let i = 0; i < missing.length; i += BATCH) {
      const batch = missing.slice(i, i + BATCH);
      const vectors = await this.request(batch);
      const entries = batch.map((t, j): [string, number[]] => [sha256(t), vectors[j] as number[]]);
      for (const [sha, v] of entries) this.cache.set(sha, v);
      this.onFetched?.(entries);
    }
  }

  private async request(input: string[]): Promise<number[][]> {
    const { model, dimensions } = this.settings;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.client.embeddings.create({ model, input, dimensions, encoding_format: 'float' });
        const byIndex = [...res.data].sort((a, b) => a.index - b.index);
        if (byIndex.length !== input.length) throw new EmbeddingError(`embeddings from ${model}: ${byIndex.length} vectors for ${input.length} texts`);
        return byIndex.map((d) => {
          const v = d.embedding;
          if (!Array.isArray(v) || v.length !== dimensions) throw new EmbeddingError(`embeddings from ${model}: ${Array.isArray(v) ? v.length : 'no'} dimensions, expected ${dimensions} (advisor.embeddings.dimensions)`);
          if (!v.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new EmbeddingError(`embeddings from ${model}: a vector holds a value that is not a finite number`);
          return v;
        });
      } catch (error) {
        const retryable = error instanceof OpenAI.APIConnectionError || (error instanceof OpenAI.APIError && ((error.status ?? 0) === 429 || (error.status ?? 0) >= 500));
        if (!retryable || attempt >= this.settings.maxRetries) throw error instanceof EmbeddingError ? error : new EmbeddingError(`embeddings from ${model} failed: ${error instanceof Error ? error.message : String(error)}`);
        await sleep(200 * 2 ** attempt);
      }
    }
  }
}
