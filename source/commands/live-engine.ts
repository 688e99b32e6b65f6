// Opens an engine for live mode over a database: stored catalog, configuration, command or simulated
// metrics, command traffic actions, the lease and the submission queue.
import { Assessor } from '../domain/assess.js';
import { featureEmbedder } from '../domain/embedding.js';
import type { Config } from '../domain/config.js';
import { systemClock } from '../engine/clock.js';
import type { Clock } from '../engine/clock.js';
import { Engine } from '../engine/engine.js';
import { EngineBusy, LiveRunner } from '../engine/live-runner.js';
import { loadConfig } from '../io/load.js';
import { CommandTrafficActions } from '../metrics/command-actions.js';
import { metricSourceFor } from '../metrics/metric-source-for.js';
import { Lease } from '../store/lease.js';
import { DatabaseFileWatch } from '../store/file-identity.js';
import { Submissions } from '../store/submissions.js';
import { advisingFor } from '../advisor/from-config.js';
import { startLiveEmbeddings } from '../advisor/live-embeddings.js';
import type { LiveEmbeddingsStart, LiveTextEmbeddings } from '../advisor/live-embeddings.js';
import { TextVectors } from '../store/text-vectors.js';
import type { StoreContext } from './context.js';
import { openStoreContext } from './context.js';
import { checkpointEmitterFor } from './checkpoint-config.js';

export interface LiveEngine {
  ctx: StoreContext;
  config: Config;
  engine: Engine;
  runner: LiveRunner;
  usesSimulatedMetrics: boolean;
  /** Text embeddings in use (advisor.embeddings), if any: `settled()` waits for failure reasons being embedded. */
  texts?: LiveTextEmbeddings;
}

export function openLiveEngine(
  flags: { db?: string; catalog?: string; config?: string },
  log: (line: string) => void,
  clock: Clock = systemClock,
  /** Text embeddings made ready by `startLiveEmbeddings` (advisor.embeddings); without them, structure alone. */
  embeddings: LiveEmbeddingsStart = {},
): LiveEngine {
  const config = loadConfig(flags.config);
  // An engine that cannot take the lease writes nothing, not even the catalog it was given.
  const ctx = openStoreContext(flags, (db) => {
    const holder = new Lease(db).liveHolder(clock.now());
    if (holder) throw new EngineBusy(`another engine holds the lease (${holder.holder}, pid ${holder.pid}): nothing was written`);
  }, embeddings.texts?.embedder);
  // Commands need the version of the deployment they act for; the engine (made below) knows it.
  let engineRef: Engine | undefined;
  const versionOf = (id: string): string => engineRef?.get(id)?.request.version ?? '';
  const live = config.live;
  const { metrics, simulated: usesSimulatedMetrics } = metricSourceFor(config, flags.config, versionOf);
  const assessor = new Assessor(ctx.catalog, config, ctx.history, embeddings.texts?.embedder ?? featureEmbedder);
  const engine = new Engine({ db: ctx.db, catalog: ctx.catalog, config, history: ctx.history, assessor, clock, metrics, traffic: new CommandTrafficActions(live, versionOf) });
  engineRef = engine;
  const texts = embeddings.texts;
  texts?.keepIn(new TextVectors(ctx.db), log); // this database keeps the vectors, so a restart need not ask again
  const note = (event: string, payload: Record<string, unknown>): void => engine.note(event, null, payload, { kind: 'system', id: 'embeddings' });
  texts?.follow(ctx.history, note, log); // a finished deployment's failure reason, embedded after its transaction
  const advising = advisingFor(config, flags.config, ctx.db, assessor, log, texts ? { texts, note } : undefined);
  const checkpoints = checkpointEmitterFor(config, ctx.db, clock, log);
  const runner = new LiveRunner({ engine, submissions: new Submissions(ctx.db), lease: new Lease(ctx.db), clock, pollMs: live.pollMs, log, fileWatch: new DatabaseFileWatch(ctx.path), ...(advising ? { advising } : {}), ...(checkpoints ? { checkpoints } : {}) });
  if (advising) advising.onReady = () => runner.wake();
  return { ctx, config, engine, runner, usesSimulatedMetrics, ...(texts ? { texts } : {}) };
}

/**
 * Opens the live engine and starts its loop with the lease taken; undefined (having said why, and written nothing)
 * when another engine holds the lease, whether noticed before opening or when taking it.
 */
export async function startLiveEngine(flags: { db?: string; catalog?: string; config?: string }, log: (line: string) => void, io: { err(text: string): void }): Promise<LiveEngine | undefined> {
  let live: LiveEngine;
  try {
    // Text embeddings (when configured) are fetched before the engine opens: no transaction waits on them.
    const embeddings = await startLiveEmbeddings(loadConfig(flags.config), flags, log);
    live = openLiveEngine(flags, log, systemClock, embeddings);
    if (live.usesSimulatedMetrics) log('no live.metricsCommand configured: canaries read the simulated healthy metric source');
    try {
      live.runner.start();
      if (embeddings.unavailable) noteEmbeddingsUnavailable(live, embeddings.unavailable, log);
    } catch (error) {
      live.ctx.close();
      throw error;
    }
  } catch (error) {
    if (!(error instanceof EngineBusy)) throw error;
    io.err(`error: ${error.message}`);
    return undefined;
  }
  return live;
}

/** Embeddings configured but unavailable at start: logged and audited, and the engine decides by structure. */
export function noteEmbeddingsUnavailable(live: LiveEngine, why: string, log: (line: string) => void): void {
  log(why);
  const a = live.config.advisor;
  live.engine.note('text_embeddings_unavailable', null, { model: a.kind === 'openai' ? a.embeddings?.model ?? '' : '', reason: why }, { kind: 'system', id: 'embeddings' });
}
