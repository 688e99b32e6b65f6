// The live console: the engine itself (it takes the lease), or, while another process runs the engine,
// attached to it. Loaded only for --live, so a replay's cold start does not pay for the live engine.
import { hostname } from 'node:os';
import { AttachedEngine } from '../engine/attached-engine.js';
import { systemClock } from '../engine/clock.js';
import { EngineBusy } from '../engine/live-runner.js';
import { loadConfig } from '../io/load.js';
import { dbPath, openDatabase } from '../store/database.js';
import { alive as pidAlive, Lease } from '../store/lease.js';
import { Quarantine } from '../store/quarantine.js';
import { ConsoleModel } from '../ui/console-model.js';
import { livenessOf } from '../ui/liveness.js';
import type { ConsoleFlags, ReplaySession } from './console-session.js';
import { sessionOf } from './console-session.js';
import { catalogOf } from './context.js';
import type { CommandIo } from './io.js';
import { noteEmbeddingsUnavailable, openLiveEngine } from './live-engine.js';
import { startLiveEmbeddings } from '../advisor/live-embeddings.js';
import type { LiveEmbeddingsStart } from '../advisor/live-embeddings.js';

/** How often an attached console reads what the engine wrote. */
const REFRESH_MS = 250;


/** Live: this console is the engine (it takes the lease), with the real clock. */
export async function openLive(flags: ConsoleFlags & { catalog?: string }, io: CommandIo): Promise<ReplaySession> {
  let live: ReturnType<typeof openLiveEngine>;
  let embeddings: LiveEmbeddingsStart;
  try {
    embeddings = await startLiveEmbeddings(loadConfig(flags.config), flags, () => undefined);
    live = openLiveEngine(flags, () => undefined, systemClock, embeddings); // another engine holds the lease: attach, writing nothing
  } catch (error) {
    if (error instanceof EngineBusy) return openAttached(flags, io);
    throw error;
  }
  try {
    live.runner.start();
  } catch (error) {
    live.ctx.close();
    if (error instanceof EngineBusy) return openAttached(flags, io);
    throw error;
  }
  if (live.usesSimulatedMetrics) io.err('note: no live.metricsCommand configured: canaries read the simulated healthy metric source');
  if (embeddings.unavailable) noteEmbeddingsUnavailable(live, embeddings.unavailable, (line) => io.err(`note: ${line}`));
  const model = new ConsoleModel(live.engine, undefined, { speed: 1, paused: false });
  model.quarantined = new Quarantine(live.ctx.db).count();
  return sessionOf(model, live.engine, live.config, () => {
    live.runner.stop();
    live.ctx.history.index.persist();
    live.ctx.close();
  });
}

/** Live while another process runs the engine: watch its database, send decisions through its queue. */
function openAttached(flags: ConsoleFlags & { catalog?: string }, io: CommandIo): ReplaySession {
  const config = loadConfig(flags.config);
  const path = dbPath(flags.db);
  const db = openDatabase(path);
  let engine: AttachedEngine;
  try {
    engine = new AttachedEngine(db, catalogOf(db, path), config, systemClock);
  } catch (error) {
    db.close();
    throw error;
  }
  const lease = new Lease(db, 'engine', 'console');
  const holder = lease.liveHolder(Date.now());
  const model = new ConsoleModel(engine, undefined, { speed: 1, paused: false });
  model.attachedTo = holder ? `${holder.holder} (pid ${holder.pid})` : 'the running engine';
  model.quarantined = new Quarantine(db).count();
  model.liveness = () => {
    const current = lease.current();
    // The engine may have been replaced since this console attached: name the one that holds the lease now.
    if (current) model.attachedTo = `${current.holder} (pid ${current.pid})`;
    return livenessOf(current, Date.now(), (pid) => current?.host !== hostname() || pidAlive(pid));
  };
  io.err(`note: another process runs the engine (${model.attachedTo}); this console watches it and sends decisions through it`);
  const timer = setInterval(() => engine.refresh(), REFRESH_MS);
  return sessionOf(model, engine, config, () => {
    clearInterval(timer);
    db.close();
  });
}

