// The console: time to first frame (cold process in a pseudo-terminal, and in-process), frame time with
// 10,000 deployments (target ≤ 16 ms: the table is windowed), and memory with 100,000 in history.
import { finishedActions } from '../source/engine/snapshot-facts.js';
import { spawn } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { Assessor } from '../source/domain/assess.js';
import { CatalogIndex } from '../source/domain/catalog.js';
import { DEFAULT_CONFIG } from '../source/domain/config.js';
import { featureEmbedder } from '../source/domain/embedding.js';
import { EMPTY_HISTORY } from '../source/domain/history.js';
import type { DeploymentView } from '../source/engine/deployment-view.js';
import type { Engine } from '../source/engine/engine.js';
import { ConsoleModel } from '../source/ui/console-model.js';
import { App } from '../source/ui/app.js';
import { openReplay } from '../source/commands/console.js';
import { randomFleet, randomRequest, Rng } from './random-requests.js';
import type { BenchRow } from './results-file.js';
import { writeResults } from './results-file.js';
import { withTempDir } from './temp-db.js';

const quiet = { out: () => undefined, err: () => undefined };
const STATES = ['promoted', 'rolled_back', 'canary', 'awaiting_approval', 'blocked'] as const;

/** N finished-looking deployments with real assessments, without running N canaries. */
function views(n: number): DeploymentView[] {
  const rng = new Rng(n);
  const catalog = new CatalogIndex({ services: randomFleet(rng, 50) });
  const assessor = new Assessor(catalog, DEFAULT_CONFIG, EMPTY_HISTORY, featureEmbedder);
  return Array.from({ length: n }, (_, i) => {
    const request = randomRequest(rng, i, catalog.services);
    const state = STATES[i % STATES.length] as DeploymentView['state'];
    return {
      id: request.id, request, tier: catalog.get(request.serviceId)!.service.tier, assessment: assessor.assess(request), state,
      plan: [1, 5, 25, 50, 100], stage: 2, samples: [], stages: [], reason: '', decidedBy: null,
      outcome: state === 'promoted' ? 'succeeded' : state === 'rolled_back' ? 'rolled_back' : null,
      requestedAtMs: Date.parse(request.requestedAt), updatedAtMs: 0, finishedAtMs: null,
      actions: finishedActions(request.id, state, null),
    };
  });
}

/** An engine stand-in that holds the given deployments: the console only reads them. */
function fakeEngine(ds: DeploymentView[]): Engine {
  const audit = { tail: () => [], verify: () => ({ ok: true, count: 0, head: '' }) };
  const byId = new Map(ds.map((d) => [d.id, d]));
  return { deployments: ds, audit, on: () => () => undefined, get: (id: string) => byId.get(id) } as unknown as Engine;
}

const FRAMES = 200;
const pct = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

/** Wall time per frame (the target), and this process's CPU time per frame (what the console itself costs). */
async function frameTimes(n: number): Promise<{ p50: number; p99: number; cpuP50: number }> {
  const model = new ConsoleModel(fakeEngine(views(n)), undefined, { speed: 1, paused: false });
  const app = render(<App model={model} operator="bench" readonly={false} theme={{ color: true, ascii: false }} autonomy="GOVERNED" slo={{ errorRate: 0.01, p99Ms: 500 }} autoplay={false} frameMs={0} size={{ columns: 120, rows: 40 }} />);
  const times: number[] = [];
  const cpu: number[] = [];
  globalThis.gc?.();
  for (let i = 0; i < FRAMES; i++) {
    const before = app.frames.length;
    const t = performance.now();
    const c = process.cpuUsage();
    model.changed(); // what every engine event does: a new version, so a re-render
    for (let spins = 0; app.frames.length === before && spins < 1000; spins++) await new Promise((r) => setImmediate(r));
    const used = process.cpuUsage(c);
    times.push(performance.now() - t);
    cpu.push((used.user + used.system) / 1000);
  }
  app.unmount();
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { p50: pct(times, 50), p99: pct(times, 99), cpuP50: pct(cpu, 50) };
}

/** Cold start in a pseudo-terminal (util-linux `script`): process spawn to the first frame on screen. */
function coldStart(dbDir: string, run: number): Promise<number> {
  return new Promise((resolve) => {
    const cli = join(process.cwd(), 'dist', 'source', 'cli.js');
    const t = performance.now();
    const child = spawn('script', ['-qfec', `node ${cli} --as bench --db ${join(dbDir, `cold-${run}.db`)}`, '/dev/null'], { env: { ...process.env, COLUMNS: '120', LINES: '40' }, stdio: ['pipe', 'pipe', 'ignore'] });
    let done = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (!done && chunk.toString().includes('Deployments')) {
        done = true;
        resolve(performance.now() - t);
        child.stdin.write('q');
        setTimeout(() => child.kill('SIGKILL'), 500);
      }
    });
    setTimeout(() => {
      if (!done) {
        done = true;
        child.kill('SIGKILL');
        resolve(NaN);
      }
    }, 15_000);
  });
}

export async function runConsoleBench(): Promise<void> {
  await withTempDir(async (dir) => {
    const rows: BenchRow[] = [];
    // The median of five starts: one start on shared cores swings by half a second.
    const starts: number[] = [];
    for (let run = 0; run < 5; run++) starts.push(await coldStart(dir, run));
    starts.sort((a, b) => a - b);
    const cold = starts[2] ?? NaN;
    rows.push({ metric: 'time to first frame, cold process in a pseudo-terminal (`genops-tui`), median of 5', value: Math.round(cold), unit: 'ms', target: '≤ 1,000 ms', met: cold <= 1000 });
    rows.push({ metric: 'the same, fastest of the 5', value: Math.round(starts[0] ?? NaN), unit: 'ms' });
    rows.push({ metric: 'the same, slowest of the 5', value: Math.round(starts[4] ?? NaN), unit: 'ms' });
    const t0 = performance.now();
    const session = openReplay('fixtures/replay-small.ndjson', { db: join(dir, 'warm.db'), paused: false, speed: 60 }, quiet);
    const app = render(<App model={session.model} operator="bench" readonly={false} theme={{ color: true, ascii: false }} autonomy="GOVERNED" slo={session.slo} autoplay={false} size={{ columns: 120, rows: 40 }} />);
    const warm = performance.now() - t0;
    app.unmount();
    session.close();
    rows.push({ metric: 'time to first frame in-process (open replay + first render)', value: Math.round(warm), unit: 'ms' });
    for (const n of [100, 10_000]) {
      const f = await frameTimes(n);
      rows.push({ metric: `frame time with ${n.toLocaleString('en-US')} deployments, p50`, value: Number(f.p50.toFixed(2)), unit: 'ms', ...(n === 10_000 ? { target: '≤ 16 ms', met: f.p50 <= 16 } : {}) });
      rows.push({ metric: `frame time with ${n.toLocaleString('en-US')} deployments, p99`, value: Number(f.p99.toFixed(2)), unit: 'ms', ...(n === 10_000 ? { target: '≤ 40 ms', met: f.p99 <= 40 } : {}) });
      rows.push({ metric: `CPU time per frame with ${n.toLocaleString('en-US')} deployments, p50 (this process)`, value: Number(f.cpuP50.toFixed(2)), unit: 'ms' });
    }
    globalThis.gc?.();
    const before = process.memoryUsage().heapUsed;
    const many = views(100_000);
    globalThis.gc?.();
    const heap = (process.memoryUsage().heapUsed - before) / 2 ** 20;
    rows.push({ metric: `heap for 100,000 deployments in memory (${many.length} views with assessments)`, value: Math.round(heap), unit: 'MiB' });
    rows.push({ metric: 'process RSS after loading them', value: Math.round(process.memoryUsage().rss / 2 ** 20), unit: 'MiB' });
    writeResults('console', 'npm run bench -- console', rows, [
      `Frame time: a re-render of the whole console (120×40, wide layout, React's production build as the CLI runs it) after a model change, ${FRAMES} frames; the table draws only the visible rows. Wall time is the target; CPU time shows what the console costs when other processes share the cores (load average ${os.loadavg()[0]?.toFixed(1)} at the start of this run on ${os.cpus().length} cores).`,
    ]);
  });
}
