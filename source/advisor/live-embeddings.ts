// Text embeddings for the live engine (advisor.embeddings): retrieval combines each request's text vector (the
// endpoint's /v1/embeddings) with its structural features. Vectors are fetched outside the engine's write
// transactions: the history's (failure reasons included) before the engine starts taking requests, each new
// request's before it is assessed (on the advising queue's road), and a finished deployment's failure reason
// after its finish (see follow). The engine never waits on the endpoint: a request whose text cannot be
// embedded is retrieved by its structure alone, a reason that cannot be is left out, and the audit says so.
import { DeploymentStore } from '../store/deployment-store.js';
import { CatalogIndex } from '../domain/catalog.js';
import type { Config } from '../domain/config.js';
import { featureEmbedder } from '../domain/embedding.js';
import type { DeploymentRequest } from '../domain/schemas.js';
import { combinedEmbedder, textOf } from '../domain/text-embedding.js';
import type { LayeredEmbedder } from '../domain/text-embedding.js';
import { EngineBusy } from '../engine/live-runner.js';
import { loadCatalog } from '../io/load.js';
import { storedCatalog } from '../store/catalog-store.js';
import { dbPath, openDatabase } from '../store/database.js';
import { Lease } from '../store/lease.js';
import type { TextVectors } from '../store/text-vectors.js';
import { TextVectors as StoredTextVectors } from '../store/text-vectors.js';
import { sha256 } from './llm-advisor.js';
import { sanitize } from '../domain/sanitize.js';
import type { HistoryStore } from '../store/history-store.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { TextEmbeddings } from './embeddings-client.js';
import { apiKeyOf } from './from-config.js';

export class LiveTextEmbeddings {
  readonly embedder: LayeredEmbedder;
  readonly model: string;
  private readonly breaker: CircuitBreaker;
  /** Where fetched vectors are kept (the engine's database, once it is open); until then they wait here. */
  private store: { vectors: Pick<TextVectors, 'save'>; log: (line: string) => void } | undefined;
  private unsaved: Array<[string, number[]]> = [];
  /** Failure reasons being embedded after their deployment finished (see follow). */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly client: TextEmbeddings,
    private readonly catalog: CatalogIndex,
    weight: number,
    breaker: { failures: number; cooldownMs: number },
    now: () => number = Date.now,
  ) {
    const { model, dimensions } = client.settings;
    this.model = model;
    this.embedder = combinedEmbedder(featureEmbedder, { model, dimensions, weight }, (text) => client.vectorOf(text), 'structural');
    this.breaker = new CircuitBreaker(breaker.failures, breaker.cooldownMs, now);
    client.onFetched = (entries) => this.fetched(entries);
  }

  /** Float32 from the start, as they are stored: a vector reads the same from memory and after a restart. */
  private fetched(entries: Array<[string, number[]]>): void {
    const rounded = entries.map(([sha, v]): [string, number[]] => [sha, Array.from(new Float32Array(v))]);
    for (const [sha, v] of rounded) this.client.preload(sha, v);
    this.unsaved.push(...rounded);
    this.save();
  }

  /** Keeps fetched vectors in the engine's database from now on (those fetched before it opened first). */
  keepIn(vectors: Pick<TextVectors, 'save'>, log: (line: string) => void): void {
    this.store = { vectors, log };
    this.save();
  }

  private save(): void {
    if (!this.store || this.unsaved.length === 0) return;
    const entries = this.unsaved;
    this.unsaved = [];
    try {
      this.store.vectors.save(this.model, this.client.settings.dimensions, entries);
    } catch (error) {
      // A cache: a busy database costs a request after the next restart, nothing else.
      this.store.log(`could not keep ${entries.length} text vector${entries.length === 1 ? '' : 's'}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Vectors kept by an earlier run, by text SHA-256; returns how many of the distinct `texts` they cover. */
  preload(kept: ReadonlyMap<string, number[]>, texts: readonly string[]): number {
    let covered = 0;
    for (const text of new Set(texts)) {
      const v = kept.get(sha256(text));
      if (!v) continue;
      this.client.preload(sha256(text), v);
      covered += 1;
    }
    return covered;
  }

  /** Embeds texts not cached yet; throws when the endpoint fails (start-up). */
  async prefetch(texts: Iterable<string>): Promise<void> {
    await this.client.prefetch(texts);
  }

  /**
   * Makes sure the request's text vector is cached: undefined when it is, or why it could not be fetched (the
   * request is then retrieved by its structure). Never rejects; bounded by the client's timeout and retries.
   */
  async ensure(request: DeploymentRequest): Promise<string | undefined> {
    const entry = this.catalog.get(request.serviceId);
    if (!entry) return undefined; // refused by the engine anyway
    return this.ensureText(textOf(request, entry));
  }

  /**
   * Follows the engine's finishes: a failure reason is text not embedded yet. `finish` indexes the deployment
   * at once with what is known (its summary's vector, embedded when it was submitted); its evidence text
   * (textOf) is embedded after the write transaction, and the index's vector for it is derived anew when it
   * arrives (kept in text_vectors, so a rebuild gives the same). An endpoint that fails leaves the summary's
   * vector: logged and audited as text_embedding_failed. Nothing waits for it.
   */
  follow(history: Pick<HistoryStore, 'onIndexed' | 'refresh'>, note: (event: string, payload: Record<string, unknown>) => void, log: (line: string) => void): void {
    history.onIndexed = (request, failureReason) => {
      const entry = this.catalog.get(request.serviceId);
      if (!failureReason || !entry) return; // no reason: its text is its summary's, asked for at submission
      const text = textOf(request, entry, failureReason);
      if (this.client.vectorOf(text)) return; // known already: indexed with it
      const id = sanitize(request.id, 80);
      // A promise's callback runs once the caller's (synchronous) transaction is over: never inside it.
      const work: Promise<void> = Promise.resolve()
        .then(() => this.ensureText(text))
        .then((failure) => {
          if (failure === undefined) {
            history.refresh(request.id);
            return;
          }
          log(`text embedding of ${id}'s failure reason failed (${sanitize(failure, 200)}): it stays indexed by its summary and structure`);
          note('text_embedding_failed', { requestId: request.id, model: this.model, reason: failure, text: 'failure reason', retrieval: 'indexed by its summary and structure' });
        })
        .catch((error: unknown) => log(`text embedding of ${id}'s failure reason: ${sanitize(error instanceof Error ? error.message : String(error), 200)}`))
        .finally(() => this.pending.delete(work));
      this.pending.add(work);
    };
  }

  /** Resolves once every failure reason noted so far has been embedded and indexed, or has failed. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private async ensureText(text: string): Promise<string | undefined> {
    if (this.client.vectorOf(text)) return undefined;
    if (!this.breaker.allow()) return `the embeddings endpoint failed repeatedly: not asked until ${new Date(this.breaker.reopensAt).toISOString()}`;
    try {
      await this.client.prefetch([text]);
      this.breaker.success();
      return undefined;
    } catch (error) {
      this.breaker.failure();
      return error instanceof Error ? error.message : String(error);
    }
  }
}

export interface LiveEmbeddingsStart {
  /** Ready, with every executed deployment's text embedded. */
  texts?: LiveTextEmbeddings;
  /** Why the engine retrieves by structure alone although embeddings are configured. */
  unavailable?: string;
}

/**
 * For `advisor.embeddings`: embeds the text of every indexed deployment before the engine opens (so the index,
 * rebuilt for the new embedder, has them), without holding any transaction while the endpoint answers.
 * Throws EngineBusy (having written nothing) when another engine holds the lease: no point embedding for it.
 */
export async function startLiveEmbeddings(config: Config, flags: { db?: string; catalog?: string; config?: string }, log: (line: string) => void): Promise<LiveEmbeddingsStart> {
  const a = config.advisor;
  if (a.kind !== 'openai' || !a.embeddings) return {};
  const e = a.embeddings;
  const client = new TextEmbeddings({ baseUrl: a.baseUrl, apiKey: apiKeyOf(a, flags.config ?? '(configuration)'), model: e.model, dimensions: e.dimensions, timeoutMs: a.timeoutSeconds * 1000, maxRetries: a.maxRetries });
  const path = dbPath(flags.db);
  const given = flags.catalog ? loadCatalog(flags.catalog) : undefined;
  const db = openDatabase(path);
  let texts: string[];
  let catalog: CatalogIndex;
  let live: LiveTextEmbeddings;
  let kept: number;
  try {
    const holder = new Lease(db).liveHolder(Date.now());
    if (holder) throw new EngineBusy(`another engine holds the lease (${holder.holder}, pid ${holder.pid}): nothing was written`);
    const stored = given ?? storedCatalog(db);
    if (!stored) return {}; // the engine's own start-up says there is no catalog
    catalog = new CatalogIndex(stored);
    // Evidence texts: failure reasons included (textOf), as the index derives its vectors.
    texts = new DeploymentStore(db).evidenceRequests().flatMap((row) => {
      const request = JSON.parse(row.request) as DeploymentRequest;
      const entry = catalog.get(request.serviceId);
      return entry ? [textOf(request, entry, row.failure_reason ?? undefined)] : [];
    });
    live = new LiveTextEmbeddings(client, catalog, e.weight, { failures: a.breaker.failures, cooldownMs: a.breaker.cooldownSeconds * 1000 });
    kept = live.preload(new StoredTextVectors(db).load(e.model, e.dimensions), texts);
  } finally {
    db.close();
  }
  const started = Date.now();
  try {
    await live.prefetch(texts);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { unavailable: `the history's texts could not be embedded at start (${why}): this engine retrieves by structure alone until it is restarted` };
  }
  const distinct = new Set(texts).size;
  log(`text embeddings: model ${e.model}, ${e.dimensions} dimensions, weight ${e.weight}; ${distinct} distinct texts of ${texts.length} indexed deployments: ${kept} kept from earlier runs, ${distinct - kept} embedded in ${Date.now() - started} ms`);
  return { texts: live };
}
