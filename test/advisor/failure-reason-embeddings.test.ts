// Failure reasons in text embeddings (advisor.embeddings), against a local OpenAI-compatible server over real
// HTTP: evidence is embedded as service name + summary + failure reason, queries as service name + summary.
// A new change worded like a past failure's cause finds that failure (whatif/evaluate's replay and the live
// engine's start-up), although the failed change's own summary was about something else; a live finish's
// reason is embedded after its transaction and replaces the summary's vector when it arrives; an endpoint
// failing then stalls nothing, is audited, and the next start embeds the reason and mends the loaded index.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { retrievalEmbedder } from '../../source/advisor/retrieval-embedder.js';
import { startLiveEngine } from '../../source/commands/live-engine.js';
import type { LiveEngine } from '../../source/commands/live-engine.js';
import { openStoreContext } from '../../source/commands/context.js';
import { Assessor } from '../../source/domain/assess.js';
import { CatalogIndex } from '../../source/domain/catalog.js';
import { featureEmbedder } from '../../source/domain/embedding.js';
import type { Embedder } from '../../source/domain/embedding.js';
import type { Config } from '../../source/domain/config.js';
import type { DeploymentRequest, HistoryRecord } from '../../source/domain/schemas.js';
import { textOf } from '../../source/domain/text-embedding.js';
import { loadCatalog, loadConfig } from '../../source/io/load.js';
import { sha256 } from '../../source/advisor/llm-advisor.js';
import { walkHistory } from '../../source/report/whatif-replay.js';
import { HistoryStore } from '../../source/store/history-store.js';
import { Submissions } from '../../source/store/submissions.js';
import { TextVectors } from '../../source/store/text-vectors.js';
import type { FakeOpenAi, Reply } from './fake-openai.js';
import { completion, startFakeOpenAi } from './fake-openai.js';
import { request } from '../helpers/builders.js';
import { tempDir } from '../helpers/temp-db.js';
import { waitFor } from '../helpers/processes.js';

const dir = tempDir();
const SERVICE = 'notifications';
/** A toy embedding model that knows subjects: words on one subject share a direction, whatever the words. */
const TOPICS = [['connection', 'pool', 'database'], ['banner', 'images', 'button', 'label'], ['cache', 'redis', 'ttl'], ['tls', 'certificate', 'certificates', 'expired']];
const toy = (text: string): number[] => [...TOPICS.map((words) => text.toLowerCase().split(/\W+/).filter((w) => words.includes(w)).length), 0.2];
const DIMS = TOPICS.length + 1;
const REASON = 'tls certificate expired on the upstream';

let server: FakeOpenAi;
/** Texts containing `failOn` get a 500. */
let failOn: string | undefined;
const embedded = (): string[] => server.requests.filter((r) => r.path.endsWith('/embeddings')).flatMap((r) => r.body.input as string[]);

function reply({ path, body }: { path: string; body: Record<string, unknown> }): Reply {
  if (path.endsWith('/embeddings')) {
    const input = body.input as string[];
    if (failOn && input.some((t) => t.includes(failOn as string))) return { status: 500, body: { error: { message: 'embeddings down' } } };
    return { body: { object: 'list', model: 'toy', data: input.map((t, index) => ({ object: 'embedding', index, embedding: toy(t) })), usage: { prompt_tokens: 1, total_tokens: 1 } } };
  }
  return { body: completion(JSON.stringify({ recommendation: 'proceed', confidence: 0.7, rationale: 'routine', evidenceIds: [] })) };
}

const at = (minute: number): string => new Date(Date.parse('2026-11-18T10:00:00Z') + minute * 60_000).toISOString();
const record = (id: string, summary: string, outcome: HistoryRecord['outcome'], failureReason?: string, minute = 0): HistoryRecord => ({
  request: request({ id, serviceId: SERVICE, requestedAt: at(minute) }, { summary }),
  outcome,
  finishedAt: at(minute + 30),
  ...(failureReason ? { failureReason } : {}),
});
/** The failure's summary is about the checkout banner; only its failure reason is about certificates. */
const HISTORY: HistoryRecord[] = [
  record('h-cert', 'bump banner dependencies', 'rolled_back', REASON),
  record('h-rotate-banner', 'rotate checkout banner', 'succeeded'),
  record('h-rotate-images', 'rotate checkout images', 'succeeded'),
  record('h-rotate-cache', 'rotate cache ttl', 'succeeded'),
  record('h-button', 'checkout button label', 'succeeded'),
];
/** Worded like h-cert's failure reason, not like its summary; shares a word ("rotate") with the successes. */
const ASKED = request({ id: 'r-certs', serviceId: SERVICE, requestedAt: at(600) }, { summary: 'rotate tls certificates' });

function configFile(name: string): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      advisor: { kind: 'openai', baseUrl: server.url, model: 'chat', timeoutSeconds: 2, maxRetries: 0, breaker: { failures: 100, cooldownSeconds: 60 }, embeddings: { model: 'toy', dimensions: DIMS, weight: 0.8 } },
      retrieval: { k: 2 },
      live: { pollMs: 10 },
    }),
  );
  return file;
}

beforeAll(async () => {
  server = await startFakeOpenAi(reply);
});
const started: LiveEngine[] = [];
afterAll(async () => {
  for (const live of started) {
    live.runner.stop();
    await live.texts?.settled();
    live.ctx.close();
  }
  await server.close();
});

const catalog = new CatalogIndex(loadCatalog('fixtures/catalog.yaml'));
const entry = catalog.get(SERVICE);
if (!entry) throw new Error('no notifications service in fixtures/catalog.yaml');

describe('what is embedded', () => {
  it('evidence: name, summary and failure reason; queries (and evidence with no reason): name and summary', () => {
    expect(textOf(ASKED, entry)).toBe('Notifications\nrotate tls certificates');
    const failed = HISTORY[0] as HistoryRecord;
    expect(textOf(failed.request, entry, failed.failureReason)).toBe(`Notifications\nbump banner dependencies\n${REASON}`);
    expect(textOf(failed.request, entry, undefined)).toBe(textOf(failed.request, entry));
  });
});

/** Evidence for ASKED as whatif and evaluate retrieve it: history replayed up to it, under `config`. */
async function replayedEvidence(config: Config, file: string, history: readonly HistoryRecord[]): Promise<string[]> {
  const recorded = [...history, { request: ASKED }];
  const embedder: Embedder = await retrievalEmbedder(config, file, catalog, recorded);
  let ids: string[] = [];
  walkHistory(recorded, catalog, [embedder], (r, _t, [h]) => {
    if (r.request.id !== ASKED.id || !h) return;
    ids = new Assessor(catalog, config, h, embedder).evaluate(r.request).evidence.neighbours.map((n) => n.deploymentId);
  });
  return ids;
}

describe('whatif and evaluate (replayed history)', () => {
  it('a change worded like a past failure reason gets that failure as evidence with embeddings, and not without', async () => {
    const file = configFile('replay');
    const config = loadConfig(file);
    const withReasons = await replayedEvidence(config, file, HISTORY);
    expect(withReasons[0]).toBe('h-cert');
    expect(embedded()).toContain(`Notifications\nbump banner dependencies\n${REASON}`);
    expect(embedded()).toContain('Notifications\nrotate tls certificates');

    // Without embeddings (structure and hashed words: the default), and with embeddings of summaries alone
    // (the same history with its failure reason unknown), the failure is not among the 2 nearest.
    const plain = loadConfig(undefined);
    expect(await replayedEvidence({ ...plain, retrieval: { ...plain.retrieval, k: 2 } }, '(defaults)', HISTORY)).not.toContain('h-cert');
    const noReason = HISTORY.map((r) => ({ request: r.request, outcome: r.outcome, finishedAt: r.finishedAt }));
    expect(await replayedEvidence(config, file, noReason)).not.toContain('h-cert');
  });
});

function prepareDb(name: string, history: readonly HistoryRecord[]): string {
  const db = join(dir, `${name}.db`);
  const ctx = openStoreContext({ db, catalog: 'fixtures/catalog.yaml' });
  ctx.history.importRecords('history.ndjson', history.map((value, i) => ({ line: i + 1, value })));
  ctx.close();
  return db;
}

async function start(db: string, config: string, lines: string[]): Promise<LiveEngine> {
  const live = await startLiveEngine({ db, config }, (l) => lines.push(l), { err: (t) => lines.push(t) });
  if (!live) throw new Error('the engine did not start');
  started.push(live);
  return live;
}

/** The two nearest deployments to ASKED in the live index, as it stands (its text vector fetched first). */
function nearestToAsked(live: LiveEngine, history: HistoryStore = live.ctx.history): string[] {
  const embedder = live.texts?.embedder;
  if (!embedder) throw new Error('no text embeddings');
  return history.nearest(embedder.embed(ASKED, entry as NonNullable<typeof entry>), 2).map((n) => n.deploymentId);
}

/** Submits `req`, lets it into a canary (approving it if it waits), and aborts it there with `reason`. */
async function rollBack(live: LiveEngine, req: DeploymentRequest, reason: string, lines: string[]): Promise<void> {
  new Submissions(live.ctx.db).submit(req, Date.now(), Date.now() + 60_000);
  const state = (): string => live.engine.get(req.id)?.state ?? 'not taken';
  await waitFor(() => {
    if (state() === 'awaiting_approval') live.engine.approve(req.id, 'dave');
    return state() === 'canary' || state().startsWith('canary');
  }, { timeoutMs: 10_000, shows: () => `${state()}\n${lines.join('\n')}` });
  live.engine.abort(req.id, 'dave', reason);
  await waitFor(() => live.engine.get(req.id)?.outcome !== undefined, { timeoutMs: 10_000, shows: () => `${state()}\n${lines.join('\n')}` });
  expect(live.engine.get(req.id)?.outcome).toBe('rolled_back');
}

describe('live engine', () => {
  it('embeds failure reasons with the history at start: a change worded like one finds it', async () => {
    const lines: string[] = [];
    const live = await start(prepareDb('start', HISTORY), configFile('start'), lines);
    expect(embedded()).toContain(`Notifications\nbump banner dependencies\n${REASON}`);
    new Submissions(live.ctx.db).submit(ASKED, Date.now(), Date.now() + 60_000);
    await waitFor(() => live.engine.get(ASKED.id) !== undefined, { timeoutMs: 10_000, shows: () => lines.join('\n') });
    const evidence = live.engine.get(ASKED.id)?.assessment.evidence ?? [];
    expect(evidence[0]).toMatchObject({ deploymentId: 'h-cert', outcome: 'rolled_back', failureReason: REASON });
  });

  it("a live finish's reason is embedded after its transaction and becomes findable when its vector arrives; a rebuild gives the same", async () => {
    const lines: string[] = [];
    const successes = HISTORY.slice(1);
    const live = await start(prepareDb('finish', successes), configFile('finish'), lines);
    const texts = live.texts;
    if (!texts) throw new Error('no text embeddings');
    expect(await texts.ensure(ASKED)).toBeUndefined(); // ASKED's query vector, for nearestToAsked

    // What the index holds inside the finish's transaction: the summary's vector, the reason not asked yet.
    let atFinish: string[] | undefined;
    const follow = live.ctx.history.onIndexed;
    live.ctx.history.onIndexed = (req, reason) => {
      follow?.(req, reason);
      if (req.id === 'r-live') atFinish = nearestToAsked(live);
    };
    const live1 = request({ id: 'r-live', serviceId: SERVICE }, { summary: 'bump banner dependencies' });
    await rollBack(live, live1, REASON, lines);
    expect(atFinish).toBeDefined();
    expect(atFinish).not.toContain('r-live');

    await texts.settled();
    const reasonText = embedded().find((t) => t.includes(`aborted by dave`) && t.includes(REASON));
    expect(reasonText).toMatch(/^Notifications\nbump banner dependencies\naborted by dave at \d+%: tls certificate expired on the upstream$/);
    expect(nearestToAsked(live)[0]).toBe('r-live');
    // Kept in text_vectors (a restart asks nothing new), and a rebuild from SQLite gives the same vectors.
    expect(new TextVectors(live.ctx.db).load('toy', DIMS).has(sha256(reasonText as string))).toBe(true);
    const rebuilt = new HistoryStore(live.ctx.db, live.ctx.catalog, texts.embedder, undefined);
    const query = texts.embedder.embed(ASKED, entry as NonNullable<typeof entry>);
    const exact = (h: HistoryStore): Array<[number, number]> => h.index.exactSearch(query, 10).map((x) => [x.label, Number(x.similarity.toFixed(6))]);
    expect(exact(rebuilt)).toEqual(exact(live.ctx.history));
    expect(nearestToAsked(live, rebuilt)[0]).toBe('r-live');
    expect([...live.engine.audit.entries()].filter((e) => e.event === 'text_embedding_failed')).toEqual([]);
  });

  it('an endpoint failing on the reason stalls nothing, is audited, and leaves the summary; the next start embeds it and mends the loaded index', async () => {
    const lines: string[] = [];
    const db = prepareDb('failing', HISTORY.slice(1));
    const config = configFile('failing');
    const live = await start(db, config, lines);
    const texts = live.texts;
    if (!texts) throw new Error('no text embeddings');
    expect(await texts.ensure(ASKED)).toBeUndefined();
    failOn = 'tls certificate expired';
    try {
      const failing = request({ id: 'r-fail', serviceId: SERVICE }, { summary: 'bump banner dependencies' });
      await rollBack(live, failing, REASON, lines);
      // The engine goes on while the reason is (not) embedded: another submission is decided.
      const next = request({ id: 'r-next', serviceId: SERVICE }, { summary: 'checkout button label' });
      new Submissions(live.ctx.db).submit(next, Date.now(), Date.now() + 60_000);
      await waitFor(() => live.engine.get(next.id) !== undefined, { timeoutMs: 10_000, shows: () => lines.join('\n') });
      await texts.settled();
    } finally {
      failOn = undefined;
    }
    const failed = [...live.engine.audit.entries()].filter((e) => e.event === 'text_embedding_failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ actor: { kind: 'system', id: 'embeddings' }, payload: { requestId: 'r-fail', model: 'toy', text: 'failure reason', retrieval: 'indexed by its summary and structure' } });
    expect(lines.join('\n')).toMatch(/text embedding of r-fail's failure reason failed \(.*500.*\): it stays indexed by its summary and structure/);
    expect(nearestToAsked(live)).not.toContain('r-fail');
    expect(live.engine.audit.verify().ok).toBe(true);

    // Stopped as `engine` stops (its index persisted with the summary's vector), then started again.
    live.runner.stop();
    live.ctx.history.index.persist();
    live.ctx.close();
    started.splice(started.indexOf(live), 1);
    const again = await start(db, config, lines);
    expect(await again.texts?.ensure(ASKED)).toBeUndefined();
    expect(lines.join('\n')).toMatch(/5 distinct texts of 5 indexed deployments: 4 kept from earlier runs, 1 embedded in \d+ ms/);
    expect(again.ctx.history.indexReport).toMatchObject({ rebuilt: false, reason: 'loaded, 1 vector derived anew' });
    expect(nearestToAsked(again)[0]).toBe('r-fail');
  });
});
