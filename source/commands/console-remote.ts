// `genops-tui --server URL` (or GENOPS_SERVER, with GENOPS_TOKEN): the console attached to a `genops-tui
// serve` over HTTP. Loaded only then, so a replay's cold start does not pay for it.
import { remoteClient } from '../client/server-flags.js';
import { RemoteConsoleEngine, RemoteRefused } from '../client/remote-console-engine.js';
import { sanitize } from '../domain/sanitize.js';
import { loadConfig } from '../io/load.js';
import { ConsoleModel } from '../ui/console-model.js';
import type { ConsoleFlags, ReplaySession } from './console-session.js';
import { sessionOf } from './console-session.js';
import type { CommandIo } from './io.js';
import { UsageError } from './io.js';

export type RemoteFlags = ConsoleFlags & { server?: string; live?: boolean };

/** The session, or the exit code after saying why the server cannot be used (2 the token, 3 unreachable). */
export async function openRemote(flags: RemoteFlags, io: CommandIo, env: NodeJS.ProcessEnv = process.env): Promise<ReplaySession | number> {
  if (flags.live) throw new UsageError('--live runs or attaches to an engine on this host; --server (or GENOPS_SERVER) attaches over HTTP: choose one');
  if (flags.db !== undefined) throw new UsageError('--db names a local database; with --server the console reads the server');
  if (flags.speed !== undefined || flags.paused) throw new UsageError('--speed and --paused are for replays; a console over HTTP follows the server live');
  const client = remoteClient(flags, env); // refuses --as: over HTTP the token's name is the actor
  if (!client) throw new UsageError('no server: give --server URL or GENOPS_SERVER');
  // The server's own configuration is not served: --config gives the autonomy shown and the SLO lines drawn.
  const config = loadConfig(flags.config);
  let engine: RemoteConsoleEngine;
  try {
    engine = await RemoteConsoleEngine.open(flags.server ?? env.GENOPS_SERVER ?? '', env.GENOPS_TOKEN ?? '', client);
  } catch (error) {
    if (!(error instanceof RemoteRefused)) throw error;
    io.err(`error: ${sanitize(error.message, 300)}`);
    return error.exitCode;
  }
  for (const p of engine.problems.slice(0, 5)) io.err(`warning: not shown: ${sanitize(p, 300)}`);
  const model = new ConsoleModel(engine, undefined, { speed: 1, paused: false });
  model.attachedTo = `${new URL(flags.server ?? env.GENOPS_SERVER ?? '').host} (${engine.me.role})`;
  model.liveness = () => engine.liveness();
  engine.start();
  return { ...sessionOf(model, engine, config, () => engine.close()), operator: engine.me.name };
}
