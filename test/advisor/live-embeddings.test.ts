// The live engine with text embeddings (advisor.embeddings) from a local OpenAI-compatible server over real
// HTTP: the history is embedded before the engine takes requests and the index rebuilt for the new embedder;
// a request is retrieved by what its change is about (a failure with other words on the same subject); an
// endpoint that fails or hangs on one request, or at start, never stalls the engine: structure alone, audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLiveEngine } from '../../source/commands/live-engine.js';
import type { LiveEngine } from '../../source/commands/live-engine.js';
import { openStoreContext } from '../../source/commands/context.js';
import { Assessor } from '../../source/domain/assess.js';
import { featureEmbedder } from '../../source/domain/embedding.js';
import { getMeta } from '../../source/store/database.js';
import { Submissions } from '../../source/store/submissions.js';
import type { HistoryRecord } from '../../source/domain/schemas.js';
import type { FakeOpenAi, Reply } from './fake-openai.js';
import { completion, startFakeOpenAi } from './fake-openai.js';
import { request } from '../helpers/builders.js';
import { tempDir } from '../helpers/temp-db.js';
import { exited, startUntil, waitFor } from '../helpers/processes.js';

const dir = tempDir();
const SERVICE = 'notifications';
/** A toy embedding model that knows synonyms: words on one subject share a direction, whatever the words. */
const TOPICS = [['connection', 'connections', 'pool', 'database', 'postgres'], ['banner', 'images', 'button', 'label'], ['cache', 'redis', 'ttl']];
const toy = (text: string): number[] => [...TOPICS.map((words) => text.toLowerCase().split(/\W+/).filter((w) => words.includes(w)).length), 0.2];
const DIMS = TOPICS.length + 1;

let server: FakeOpenAi;
/** Texts the endpoint fails on (500) or never answers in time. */
const failOn = { error: 'flaky-embedding', hang: 'hanging-embedding', all: false };

function reply({ path, body }: { path: string; body: Record<string, unknown> }): Reply {
  if (path.endsWith('/embeddings')) {
    const input = body.input as string[];
    if (failOn.all || input.some((t) => t.includes(failOn.error))) return { status: 500, body: { error: { message: 'embeddings down' } } };
    const data = input.map((t, index) => ({ object: 'embedding', index, embedding: toy(t) }));
    return { delayMs: input.some((t) => t.includes(failOn.hang)) ? 3_000 : 0, body: { object: 'list', model: 'toy', data, usage: { prompt_tokens: 1, total_tokens: 1 } } };
  }
  return { body: completion(JSON.stringify({ recommendation: 'proceed', confidence: 0.7, rationale: 'routine', evidenceIds: [] })) };
}

const record = (id: string, summary: string, outcome: HistoryRecord['outcome'], failureReason?: string): HistoryRecord => ({
  request: request({ id, serviceId: SERVICE, requestedAt: '2026-11-18T10:00:00Z' }, { summary }),
  outcome,
  finishedAt: '2026-11-18T11:00:00Z',
  ...(failureReason ? { failureReason } : {}),
});
const HISTORY: HistoryRecord[] = [
  record('h-conn', 'raise connection limit', 'rolled_back', 'connection pool exhausted under load'),
  record('h-banner', 'resize checkout banner', 'succeeded'),
  record('h-images', 'resize checkout images', 'succeeded'),
  record('h-button', 'checkout button label', 'succeeded'),
  record('h-cache', 'checkout cache ttl', 'succeeded'),
];
/** No word in common with the failure it should be compared to; several with the successes. */
const ASKED = request({ id: 'r-pool', serviceId: SERVICE, requestedAt: '2026-11-18T10:00:00Z' }, { summary: 'resize checkout database pool' });

function prepare(name: string): { db: string; config: string } {
  const db = join(dir, `${name}.db`);
  const ctx = openStoreContext({ db, catalog: 'fixtures/catalog.yaml' });
  ctx.history.importRecords('history.ndjson', HISTORY.map((value, i) => ({ line: i + 1, value })));
  ctx.close();
  const config = join(dir, `${name}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      advisor: { kind: 'openai', baseUrl: server.url, model: 'chat', timeoutSeconds: 0.4, maxRetries: 0, breaker: { failures: 100, cooldownSeconds: 60 }, embeddings: { model: 'toy', dimensions: DIMS, weight: 0.8 } },
      retrieval: { k: 3 },
      live: { pollMs: 10 },
    }),
  );
  return { db, config };
}

const started: LiveEngine[] = [];
async function start(name: string, lines: string[] = []): Promise<LiveEngine> {
  const { db, config } = prepare(name);
  const live = await startLiveEngine({ db, config }, (l) => lines.push(l), { err: (t) => lines.push(t) });
  if (!live) throw new Error('the engine did not start');
  started.push(live);
  return live;
}

beforeAll(async () => {
  server = await startFakeOpenAi(reply);
});
afterAll(async () => {
  for (const live of started) {
    live.runner.stop();
    live.ctx.close();
  }
  await server.close();
});

const evidenceOf = (live: LiveEngine, id: string): string[] => live.engine.get(id)?.assessment.evidence.map((e) => e.deploymentId) ?? [];

describe('live engine with text embeddings', () => {
  it('embeds the history before taking requests, rebuilds the index for the new embedder, and retrieves by subject', async () => {
    const lines: string[] = [];
    const live = await start('subject', lines);
    expect(live.ctx.history.indexReport).toMatchObject({ rebuilt: true, reason: 'built by another embedder version', count: HISTORY.length });
    expect(getMeta(live.ctx.db, 'index_embedder')).toBe(`feature-v1+text:toy:${DIMS}:0.8:reasons`);
    expect(lines.join('\n')).toMatch(/text embeddings: model toy, 4 dimensions, weight 0.8; 5 distinct texts of 5 indexed deployments: 0 kept from earlier runs, 5 embedded in \d+ ms/);

    // By structure alone (the same history), the failure is not what the request is most like: words differ.
    const plain = openStoreContext({ db: join(dir, 'plain.db'), catalog: 'fixtures/catalog.yaml' });
    plain.history.importRecords('history.ndjson', HISTORY.map((value, i) => ({ line: i + 1, value })));
    const byStructure = new Assessor(plain.catalog, live.config, plain.history, featureEmbedder).evaluate(ASKED).evidence.neighbours.map((n) => n.deploymentId);
    plain.close();
    expect(byStructure[0]).not.toBe('h-conn');

    new Submissions(live.ctx.db).submit(ASKED, Date.now(), Date.now() + 60_000);
    await waitFor(() => live.engine.get(ASKED.id) !== undefined, { timeoutMs: 10_000 });
    const assessment = live.engine.get(ASKED.id)?.assessment;
    expect(evidenceOf(live, ASKED.id)[0]).toBe('h-conn');
    expect(assessment?.evidence[0]).toMatchObject({ outcome: 'rolled_back', failureReason: 'connection pool exhausted under load' });
    const asked = server.requests.filter((r) => r.path.endsWith('/embeddings')).flatMap((r) => r.body.input as string[]);
    expect(asked).toContain(`Notifications\n${ASKED.change.summary}`);
  });

  it('an endpoint that fails or hangs on one request: decided by structure alone, audited, and nothing else waits', async () => {
    const lines: string[] = [];
    const live = await start('failing', lines);
    const submissions = new Submissions(live.ctx.db);
    const hang = request({ id: 'r-hang', serviceId: SERVICE }, { summary: 'hanging-embedding change' });
    const flaky = request({ id: 'r-flaky', serviceId: SERVICE }, { summary: 'flaky-embedding change' });
    const fine = request({ id: 'r-fine', serviceId: SERVICE }, { summary: 'postgres connections tuned' });
    const now = Date.now();
    submissions.submit(hang, now, now + 60_000);
    submissions.submit(flaky, now, now + 60_000);
    submissions.submit(fine, now, now + 60_000);
    await waitFor(() => [hang, flaky, fine].every((r) => live.engine.get(r.id) !== undefined), { timeoutMs: 10_000, shows: () => lines.join('\n') });

    const failed = [...live.engine.audit.entries()].filter((e) => e.event === 'text_embedding_failed');
    expect(failed.map((e) => e.payload.requestId).sort()).toEqual(['r-flaky', 'r-hang']);
    expect(failed.every((e) => e.actor.id === 'embeddings' && e.payload.model === 'toy' && e.payload.retrieval === 'structural features alone')).toBe(true);
    expect(String(failed.find((e) => e.payload.requestId === 'r-hang')?.payload.reason)).toMatch(/timed out|timeout/i);
    expect(lines.join('\n')).toMatch(/text embedding for r-flaky failed .*structural features alone/);
    // Decided all the same, with evidence found by structure; the request that embedded fine did not wait for the hang.
    for (const id of ['r-hang', 'r-flaky']) expect(evidenceOf(live, id).length, id).toBe(3);
    expect(evidenceOf(live, 'r-fine')[0]).toBe('h-conn');
    const seq = (id: string): number => [...live.engine.audit.entries()].find((e) => e.event === 'assessed' && e.deploymentId === id)?.seq ?? -1;
    expect(seq('r-fine')).toBeLessThan(seq('r-hang'));
    expect(live.engine.audit.verify().ok).toBe(true);
  });

  it('the stored vectors stay structural: a command without embeddings reopens the same database, and the engine after it, asking nothing again', async () => {
    const { db, config } = prepare('reopen');
    const first = await startLiveEngine({ db, config }, () => undefined, { err: () => undefined });
    if (!first) throw new Error('the engine did not start');
    first.runner.stop();
    first.ctx.history.index.persist();
    first.ctx.close();
    const plain = openStoreContext({ db });
    expect(plain.history.indexReport).toMatchObject({ rebuilt: true, reason: 'built by another embedder version', count: HISTORY.length });
    plain.close();
    const embeddingsAsked = (): number => server.requests.filter((r) => r.path.endsWith('/embeddings')).length;
    const before = embeddingsAsked();
    const lines: string[] = [];
    const again = await startLiveEngine({ db, config }, (l) => lines.push(l), { err: () => undefined });
    expect(embeddingsAsked()).toBe(before);
    expect(lines.join('\n')).toMatch(/5 distinct texts of 5 indexed deployments: 5 kept from earlier runs, 0 embedded/);
    if (!again) throw new Error('the engine did not start again');
    started.push(again);
    expect(again.ctx.history.indexReport).toMatchObject({ rebuilt: true, count: HISTORY.length });
    expect(getMeta(again.ctx.db, 'index_embedder')).toBe(`feature-v1+text:toy:${DIMS}:0.8:reasons`);
  });

  it('`genops-tui engine` (dist) embeds the history before it says it started, and a second engine is refused before embedding', async () => {
    const { db, config } = prepare('cli');
    const before = server.requests.length;
    const engine = await startUntil(['engine', '--db', db, '--config', config], 'engine started');
    try {
      expect(engine.output()).toMatch(/text embeddings: model toy, 4 dimensions, weight 0.8; 5 distinct texts of 5 indexed deployments: 0 kept from earlier runs, 5 embedded in \d+ ms[\s\S]*engine started/);
      const asked = server.requests.length;
      expect(asked).toBeGreaterThan(before);
      const second = await startUntil(['engine', '--db', db, '--config', config], 'another engine holds the lease');
      expect(await exited(second.child)).toBe(3);
      expect(server.requests.length).toBe(asked);
    } finally {
      engine.child.kill('SIGTERM');
      await exited(engine.child);
    }
  });

  it('an endpoint down at start: the engine starts all the same, retrieving by structure, and says so', async () => {
    failOn.all = true;
    try {
      const lines: string[] = [];
      const live = await start('down', lines);
      expect(getMeta(live.ctx.db, 'index_embedder')).toBe('feature-v1');
      const note = [...live.engine.audit.entries()].find((e) => e.event === 'text_embeddings_unavailable');
      expect(String(note?.payload.reason)).toMatch(/could not be embedded at start .*structure alone/);
      new Submissions(live.ctx.db).submit(ASKED, Date.now(), Date.now() + 60_000);
      await waitFor(() => live.engine.get(ASKED.id) !== undefined, { timeoutMs: 10_000, shows: () => lines.join('\n') });
      expect(evidenceOf(live, ASKED.id)).toHaveLength(3);
    } finally {
      failOn.all = false;
    }
  });
});
