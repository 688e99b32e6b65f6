// `genops-tui` / `genops-tui replay FILE`: the operator console over a replayed fixture (live sources come
// with the gate). Without a TTY it replays to the end and prints a plain summary instead.
import { render } from 'ink';
import { existsSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Assessor } from '../domain/assess.js';
import { CatalogIndex } from '../domain/catalog.js';
import { featureEmbedder } from '../domain/embedding.js';
import { sanitize } from '../domain/sanitize.js';
import { VirtualClock } from '../engine/clock.js';
import { Engine } from '../engine/engine.js';
import { formatProblem, InputError } from '../io/input-error.js';
import { readText } from '../io/read-document.js';
import { loadConfig } from '../io/load.js';
import { colourWanted } from '../report/paint.js';
import { FixtureMetricSource, parseFixture } from '../sources/fixture.js';
import { Replay } from '../sources/replay.js';
import { recordedAdvisorOf } from '../advisor/recorded-advisor.js';
import { openDatabase } from '../store/database.js';
import { HistoryStore } from '../store/history-store.js';
import { Quarantine } from '../store/quarantine.js';
import { App } from '../ui/app.js';
import { ConsoleModel } from '../ui/console-model.js';
import type { CommandIo } from './io.js';
import type { ConsoleFlags, ReplaySession } from './console-session.js';
import { sessionOf } from './console-session.js';
import { UsageError } from './io.js';
import { asciiStdout } from '../ui/ascii-stream.js';

const ENTER_ALT_SCREEN = '\u001b[?1049h';
const LEAVE_ALT_SCREEN = '\u001b[?1049l';

export type { ConsoleFlags, ReplaySession } from './console-session.js';

/** The bundled fixture, found beside the package whether run from source or from dist/. */
export const DEFAULT_FIXTURE = join(dirname(fileURLToPath(import.meta.url)), ...(import.meta.url.includes('/dist/') ? ['..', '..', '..'] : ['..', '..']), 'fixtures', 'replay-small.ndjson');
export const DEFAULT_REPLAY_DB = 'data/replay.db';

/** Opens a fresh database and an engine that replays `file`. */
export function openReplay(file: string, flags: Pick<ConsoleFlags, 'db' | 'config' | 'speed' | 'paused'>, io: CommandIo): ReplaySession {
  const fixture = parseFixture(file, readText(file));
  for (const p of fixture.problems) io.err(`warning: skipped ${formatProblem(p)}`);
  if (fixture.services.length === 0 || fixture.requests.length === 0) throw new InputError([{ file, field: '(file)', message: 'no services or no requests to replay' }]);
  const path = flags.db ?? DEFAULT_REPLAY_DB;
  if (flags.db && existsSync(flags.db)) throw new UsageError(`replay needs a fresh database, and ${flags.db} exists (the default ${DEFAULT_REPLAY_DB} is recreated each time)`);
  if (!flags.db) for (const suffix of ['', '-wal', '-shm', '.hnsw']) rmSync(`${path}${suffix}`, { force: true });
  const config = loadConfig(flags.config);
  const db = openDatabase(path);
  const quarantine = new Quarantine(db);
  quarantine.add('replay', fixture.problems, Date.now());
  const catalog = new CatalogIndex({ services: fixture.services });
  const history = new HistoryStore(db, catalog, featureEmbedder, `${path}.hnsw`);
  const first = fixture.requests[0] as { requestedAt: string };
  const clock = new VirtualClock(Date.parse(first.requestedAt));
  const assessor = new Assessor(catalog, config, history, featureEmbedder);
  // A model's answers recorded in the fixture answer again, so the replay decides as the recording did.
  const advisor = recordedAdvisorOf(fixture.advice ?? []);
  const engine = new Engine({ db, catalog, config, history, assessor, clock, metrics: new FixtureMetricSource(fixture.samples), ...(advisor ? { advisor } : {}) });
  const replay = new Replay(fixture, engine, clock);
  const speed = flags.speed ?? 60;
  if (!(speed > 0 && speed <= 10_000)) throw new UsageError('--speed must be a number above 0 and at most 10,000');
  const model = new ConsoleModel(engine, { replay, clock }, { speed, paused: flags.paused });
  model.quarantined = quarantine.count();
  replay.onRefused = (request, reason) => {
    quarantine.add('replay', [{ file, field: 'request', message: `${request.id}: ${reason}`, raw: JSON.stringify(request).slice(0, 500) }], Date.now());
    model.quarantined += 1;
    io.err(`warning: ${file}: request ${sanitize(request.id)} refused: ${sanitize(reason)}`);
  };
  const session = sessionOf(model, engine, config, () => {
    history.index.persist();
    db.close();
  });
  return { ...session, verifyAudit: () => engine.audit.verify() };
}

export async function consoleCommand(file: string | undefined, flags: ConsoleFlags & { live?: boolean; catalog?: string; server?: string }, io: CommandIo): Promise<number> {
  // Over HTTP with --server, or GENOPS_SERVER unless a replay FILE or --live says otherwise.
  const remote = flags.server !== undefined || (file === undefined && !flags.live && Boolean(process.env.GENOPS_SERVER));
  if (flags.server !== undefined && file !== undefined) throw new UsageError('replay reads a FILE here; --server attaches to a server: choose one');
  // Live sessions load the live engine only when asked for: a replay's cold start does not pay for it.
  const opened = remote
    ? await (await import('./console-remote.js')).openRemote(flags, io)
    : flags.live ? await (await import('./console-live.js')).openLive(flags, io) : openReplay(file ?? DEFAULT_FIXTURE, flags, io);
  if (typeof opened === 'number') return opened;
  const session = opened;
  try {
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      if (flags.live || remote) {
        io.err(remote ? 'error: the console needs a terminal (scripts read the API instead: GET /v1/deployments)' : 'error: the live console needs a terminal; run `genops-tui engine` for a headless engine');
        return 2;
      }
      plainSummary(session, io);
      return 0;
    }
    const operator = session.operator ?? flags.as ?? userInfo().username;
    const theme = { color: colourWanted(process.stdout, !flags.color), ascii: flags.ascii };
    // The alternate screen: the shell comes back as it was on q or Ctrl-C, no last frame left in scrollback.
    const leave = (): void => {
      process.stdout.write(LEAVE_ALT_SCREEN);
    };
    process.stdout.write(ENTER_ALT_SCREEN);
    process.once('exit', leave);
    try {
      const stdout = flags.ascii ? asciiStdout(process.stdout) : process.stdout;
      const instance = render(
        <App model={session.model} operator={operator} readonly={flags.readonly} theme={theme} autonomy={session.autonomy} slo={session.slo} autoplay bell={flags.bell ?? true} />,
        // Ctrl-C is the key table's: it cancels an open prompt or dialog, and quits (as q) when none is open.
        { exitOnCtrlC: false, stdout },
      );
      // Closed from outside (the terminal window, kill): unmount as q would, so the shell comes back clean.
      const stop = (): void => instance.unmount();
      process.once('SIGTERM', stop);
      process.once('SIGHUP', stop);
      try {
        await instance.waitUntilExit();
      } finally {
        process.off('SIGTERM', stop);
        process.off('SIGHUP', stop);
      }
    } finally {
      process.off('exit', leave);
      leave();
    }
    return 0;
  } finally {
    session.close();
  }
}

/** No TTY (piped, CI): replay to the end and print what happened. */
function plainSummary(session: ReplaySession, io: CommandIo): void {
  const source = session.model.source;
  if (source) source.replay.advanceTo(source.replay.endMs + 30 * 86_400_000);
  const ds = session.engine.deployments;
  const count = (o: string): number => ds.filter((d) => d.outcome === o).length;
  io.out(`genops-tui: no terminal, so no console; replayed ${ds.length} deployments instead.`);
  io.out(`succeeded ${count('succeeded')}, rolled back ${count('rolled_back')}, failed ${count('failed')}, rejected ${count('rejected')}, expired ${count('expired')}, blocked ${count('blocked')}, withdrawn ${count('withdrawn')}, in flight ${ds.filter((d) => !d.outcome).length}`);
  const SHOWN = 10;
  for (const d of [...ds].sort((a, b) => b.requestedAtMs - a.requestedAtMs).slice(0, SHOWN)) {
    io.out(`  ${sanitize(d.id).padEnd(12)} ${sanitize(d.request.serviceId).padEnd(10)} ${d.assessment.level.padEnd(8)} ${(d.outcome ?? d.state).padEnd(11)} ${sanitize(d.reason, 80)}`);
  }
  if (ds.length > SHOWN) io.out(`  … ${ds.length - SHOWN} older not shown (the newest ${SHOWN} above)`);
  const v = session.verifyAudit?.();
  if (!v) return;
  io.out(v.ok ? `audit trail intact: ${v.count} entries` : `audit trail TAMPERED at seq ${v.seq}`);
}
