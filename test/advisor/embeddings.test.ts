// Text embeddings through /v1/embeddings of a local OpenAI-compatible server: vectors checked (dimensions,
// finite numbers), combined with the structural features, and used by whatif's retrieval.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddingError, TextEmbeddings } from '../../source/advisor/embeddings-client.js';
import { combinedEmbedder, MissingTextVector } from '../../source/domain/text-embedding.js';
import { featureEmbedder, fnv1a, tokens } from '../../source/domain/embedding.js';
import { whatifCommand } from '../../source/commands/whatif.js';
import type { FakeOpenAi } from './fake-openai.js';
import { startFakeOpenAi } from './fake-openai.js';
import { catalog, request, service } from '../helpers/builders.js';
import { tempDir } from '../helpers/temp-db.js';

const DIMS = 8;
const dir = tempDir();
let server: FakeOpenAi;
/** A toy embedding model: words hashed into DIMS buckets (similar words, similar vectors). */
const toy = (text: string): number[] => {
  const v = new Array<number>(DIMS).fill(0);
  for (const t of tokens(text)) v[fnv1a(t) % DIMS] = (v[fnv1a(t) % DIMS] ?? 0) + 1;
  return v;
};
const embeddingsReply = (input: string[], dims = DIMS, poison = false) => ({
  body: { object: 'list', model: 'toy', data: input.map((t, index) => ({ object: 'embedding', index, embedding: poison ? [null, ...toy(t).slice(1)] : toy(t).slice(0, dims) })), usage: { prompt_tokens: 1, total_tokens: 1 } },
});

beforeAll(async () => {
  server = await startFakeOpenAi(({ path, body }) => (path.endsWith('/embeddings') ? embeddingsReply(body.input as string[]) : { status: 404, body: {} }));
});
afterAll(async () => {
  await server.close();
});

const settings = () => ({ baseUrl: server.url, apiKey: undefined, model: 'toy', dimensions: DIMS, timeoutMs: 2_000, maxRetries: 0 });

describe('text embeddings', () => {
  it('fetches, caches and checks vectors', async () => {
    const client = new TextEmbeddings(settings());
    await client.prefetch(['cache timeout fix', 'schema migration', 'cache timeout fix']);
    expect(client.vectorOf('cache timeout fix')).toEqual(toy('cache timeout fix'));
    const before = server.requests.length;
    await client.prefetch(['schema migration']);
    expect(server.requests.length).toBe(before); // cached
    const body = server.requests.at(-1)?.body as { model: string; dimensions: number; input: string[] };
    expect(body).toMatchObject({ model: 'toy', dimensions: DIMS });
    expect(body.input).toHaveLength(2);
  });

  it('refuses vectors of the wrong size and values that are not numbers, naming the setting', async () => {
    server.script(({ body }) => embeddingsReply(body.input as string[], DIMS - 1));
    await expect(new TextEmbeddings(settings()).prefetch(['a b'])).rejects.toThrow(/7 dimensions, expected 8 \(advisor\.embeddings\.dimensions\)/);
    server.script(({ body }) => embeddingsReply(body.input as string[], DIMS, true));
    await expect(new TextEmbeddings(settings()).prefetch(['a b'])).rejects.toThrow(EmbeddingError);
  });

  it('combined with the structural features: unit length, its own version, no silent zeros', () => {
    const cat = catalog(service({ id: 'svc', name: 'checkout' }));
    const entry = cat.get('svc');
    if (!entry) throw new Error('no entry');
    const e = combinedEmbedder(featureEmbedder, { model: 'toy', dimensions: DIMS, weight: 0.5 }, (t) => toy(t));
    const v = e.embed(request(), entry);
    expect(v).toHaveLength(featureEmbedder.dimensions + DIMS);
    expect(Math.hypot(...v)).toBeCloseTo(1, 9);
    expect(e.version).toBe('feature-v1+text:toy:8:0.5:reasons');
    const none = combinedEmbedder(featureEmbedder, { model: 'toy', dimensions: DIMS, weight: 0.5 }, () => undefined);
    expect(() => none.embed(request(), entry)).toThrow(MissingTextVector);
  });

  it('whatif: the same embeddings on both sides → no differences; embeddings only in the new configuration → its own retrieval', async () => {
    const withText = { advisor: { kind: 'openai', baseUrl: server.url, model: 'chat', maxRetries: 0, embeddings: { model: 'toy', dimensions: DIMS, weight: 0.6 } } };
    const a = join(dir, 'a.json');
    writeFileSync(a, JSON.stringify(withText));
    const run = async (flags: { config: string; baseline?: string }) => {
      const out: string[] = [];
      await whatifCommand('fixtures/replay-week.ndjson', { ...flags, json: true }, { out: (l: string) => out.push(l), err: () => undefined } as never);
      return JSON.parse(out.join('\n')) as { summary: { transitions: unknown[]; levelChanges: number; moved: unknown[] } };
    };
    const same = await run({ config: a, baseline: a });
    expect(same.summary.transitions).toEqual([]);
    expect(same.summary.moved).toEqual([]);
    const embeddingCalls = server.requests.filter((r) => r.path.endsWith('/embeddings')).length;
    expect(embeddingCalls).toBeGreaterThan(0);
    const changed = await run({ config: a });
    // Retrieval differs, so evidence (and with it historical risk) moves for some deployments.
    expect(changed.summary.levelChanges + changed.summary.moved.length).toBeGreaterThan(0);
  });
});
