// `genops-tui engine`: the headless engine. One line per event; exits cleanly on SIGTERM or SIGINT.
import { sanitize } from '../domain/sanitize.js';
import type { CommandIo } from './io.js';
import { startLiveEngine } from './live-engine.js';

export const ENGINE_BUSY_EXIT = 3;
/** The database file was deleted or replaced under the running engine. */
export const ENGINE_FATAL_EXIT = 5;

export async function engineCommand(flags: { db?: string; catalog?: string; config?: string }, io: CommandIo): Promise<number> {
  const log = (line: string): void => io.out(`${new Date().toISOString()} ${line}`);
  const live = await startLiveEngine(flags, log, io);
  if (!live) return ENGINE_BUSY_EXIT;
  live.engine.on((e) => {
    if (e.kind !== 'audit') return;
    const a = e.entry;
    const detail = ['action', 'level', 'percent', 'verdict', 'outcome', 'reason'].flatMap((k) => (a.payload[k] === undefined ? [] : [`${k}=${String(a.payload[k])}`]));
    log(`${a.seq} ${a.actor.kind}:${sanitize(a.actor.id, 40)} ${a.event} ${sanitize(a.deploymentId ?? '-', 60)} ${sanitize(detail.join(' '), 200)}`);
  });
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string, code = 0): void => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: stopping; in-flight state is persisted and resumes on the next start`);
      live.runner.stop();
      if (code === 0) live.ctx.history.index.persist();
      live.ctx.close();
      resolve(code);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    live.runner.onLostLease = () => stop('lease lost');
    live.runner.onFatal = (why) => {
      io.err(`error: ${sanitize(why)}: the engine stopped`);
      stop('fatal', ENGINE_FATAL_EXIT);
    };
  });
}
