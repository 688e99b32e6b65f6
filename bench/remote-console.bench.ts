// The console over HTTP (`genops-tui console --server URL`): how long its first load takes from a server
// holding the study's deployments, and how long after the engine writes something the console has it (the
// event stream, then the deployment's detail read again).
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { HttpEngineClient } from '../source/client/http-client.js';
import { RemoteConsoleEngine } from '../source/client/remote-console-engine.js';
import { systemClock } from '../source/engine/clock.js';
import { buildServer } from '../source/server/app.js';
import { simulate } from '../source/sources/simulator.js';
import { TokenStore } from '../source/store/tokens.js';
import { writeResults } from './results-file.js';
import { withTempDir } from './temp-db.js';

const DEPLOYMENTS = 2_000;
const LOADS = 5;
const EVENTS = 40;

const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

async function until(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = performance.now();
  while (!cond()) {
    if (performance.now() - start > timeoutMs) throw new Error('remote-console bench: not in time');
    await new Promise((r) => setImmediate(r));
  }
}

export async function runRemoteConsoleBench(): Promise<void> {
  await withTempDir(async (dir) => {
    const run = simulate({ seed: 42, count: DEPLOYMENTS, services: 20, autonomy: 'GOVERNED', dbPath: join(dir, 'served.db') });
    const tokens = new TokenStore(run.db);
    const token = tokens.create('bench', 'viewer', null, 'bench', Date.now()).secret;
    const server = await buildServer({ engine: run.engine, tokens, clock: systemClock, isReady: () => true }, { rateLimit: { max: 1_000_000, windowMs: 60_000 } });
    const base = await server.app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const loads: number[] = [];
      let shown = 0;
      for (let i = 0; i < LOADS; i++) {
        const t0 = performance.now();
        const remote = await RemoteConsoleEngine.open(base, token, new HttpEngineClient(base, token));
        loads.push(performance.now() - t0);
        shown = remote.deployments.length;
        remote.close();
      }
      // Events: requests submitted to the engine, each waited for until the console holds its view.
      const remote = await RemoteConsoleEngine.open(base, token, new HttpEngineClient(base, token));
      remote.start();
      await until(() => remote.liveness().detail === 'stream connected');
      const template = run.deployments.find((d) => d.outcome !== null)!.request;
      const delays: number[] = [];
      for (let i = 0; i < EVENTS; i++) {
        // Apart by more than the flush interval: each one is a lone event, as an operator mostly sees them.
        await new Promise((r) => setTimeout(r, 300));
        const id = `bench-remote-${i}`;
        const t0 = performance.now();
        run.engine.submit({ ...template, id, version: `9.0.${i}`, requestedAt: new Date(run.endMs).toISOString() }, 'api');
        await until(() => remote.get(id) !== undefined);
        delays.push(performance.now() - t0);
      }
      remote.close();
      writeResults(
        'remote-console',
        'npm run bench -- remote-console',
        [
          { metric: `first load over HTTP of ${DEPLOYMENTS.toLocaleString('en-US')} deployments in full (median of ${LOADS})`, value: Math.round(percentile(loads, 50)), unit: 'ms' },
          { metric: 'deployments shown', value: shown, unit: '' },
          { metric: `engine write → view in the console, p50 (${EVENTS} submissions)`, value: Number(percentile(delays, 50).toFixed(1)), unit: 'ms' },
          { metric: 'engine write → view in the console, p99', value: Number(percentile(delays, 99).toFixed(1)), unit: 'ms' },
        ],
        [
          'Server and console in one process on 127.0.0.1 (the simulated study, seed 42), the console with its default timings: an event is read at once when the last read is more than 250 ms ago, otherwise at that mark (a burst costs at most 13 calls a second).',
          `Run while other agents shared the 2 cores (load average ${loadavg()[0]?.toFixed(1)} at the end): figures are noisy.`,
        ],
      );
    } finally {
      await server.close();
    }
  });
}
