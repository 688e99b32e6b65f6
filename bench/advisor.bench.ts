// The live engine with a model advisor that takes 500 ms to answer (a local OpenAI-compatible server), against
// the built-in advisor, in three settings:
// 1. canaries with no bake: a gate's whole round trip is tens of milliseconds, so 8 gates that each wait for
//    their outcome are bounded by 8 / (round trip + 500 ms): a figure of the model's latency, not the engine's;
// 2. canaries that bake (compressed to BAKE_S a stage, five stages): the case the target is about;
// 3. the engine loop itself while 8 consultations are outstanding: it must go on (passes, other canaries).
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../source/store/database.js';
import { Submissions } from '../source/store/submissions.js';
import type { DeploymentRequest } from '../source/domain/schemas.js';
import { openLiveEngine } from '../source/commands/live-engine.js';
import { writeResults } from './results-file.js';
import type { BenchRow } from './results-file.js';
import { withTempDir } from './temp-db.js';

const CLI = join(process.cwd(), 'dist', 'source', 'cli.js');
const MODEL_MS = 500;
/** Seconds a canary stage bakes in the realistic runs (real ones bake minutes: 120 s is the default). */
const BAKE_S = 1.5;
const STAGES = 5;
const ROUNDS_BAKED = 3;
/** Built-in and model alternate this many times; the medians are compared (one run can be 10% off its twin). */
const ALTERNATIONS = Number(process.env.BENCH_ADVISOR_ALTERNATIONS ?? 4);

function request(id: string): DeploymentRequest {
  return {
    id, serviceId: 'notifications', version: '1.0.0', requestedBy: 'bench', requestedAt: new Date().toISOString(),
    change: { linesChanged: 5, filesChanged: 1, dbMigration: false, configChange: false, hotfix: false, summary: 'bench' },
  };
}

interface SlowModel { url: string; calls: () => number; inFlight: () => number; close: () => Promise<void> }

/** A model that answers "proceed" after MODEL_MS, like a hosted model under light load. */
async function slowModel(): Promise<SlowModel> {
  let calls = 0;
  let inFlight = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls += 1;
      inFlight += 1;
      setTimeout(() => {
        inFlight -= 1;
        const content = JSON.stringify({ recommendation: 'proceed', confidence: 0.8, rationale: 'routine change', evidenceIds: [] });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'b', object: 'chat.completion', created: 0, model: 'bench', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }], usage: { prompt_tokens: 900, completion_tokens: 40, total_tokens: 940 } }));
      }, MODEL_MS);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    calls: () => calls,
    inFlight: () => inFlight,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

interface EngineProcess {
  submissions: Submissions;
  done: (id: string) => Promise<void>;
  roundTrip: (id: string) => Promise<void>;
  stop: () => Promise<void>;
}

/** A separate `genops-tui engine` process, and gates submitting to it through the database. */
async function startEngine(dir: string, name: string, config: string): Promise<EngineProcess> {
  const dbFile = join(dir, `${name}.db`);
  const engine: ChildProcess = spawn(process.execPath, [CLI, 'engine', '--db', dbFile, '--catalog', 'fixtures/catalog.yaml', '--config', config]);
  await new Promise<void>((resolve) => engine.stdout?.on('data', (d: Buffer) => d.toString().includes('engine started') && resolve()));
  const db = openDatabase(dbFile);
  const submissions = new Submissions(db);
  const outcome = db.prepare('SELECT outcome FROM deployments WHERE id = ?').pluck();
  const done = async (id: string): Promise<void> => {
    while (!outcome.get(id)) await new Promise((r) => setTimeout(r, 2));
    if (outcome.get(id) !== 'succeeded') throw new Error(`${name} ${id}: ${String(outcome.get(id))}`);
  };
  const roundTrip = async (id: string): Promise<void> => {
    submissions.submit(request(id), Date.now(), Date.now() + 600_000);
    await done(id);
  };
  const stop = async (): Promise<void> => {
    db.close();
    engine.kill('SIGTERM');
    await new Promise((r) => engine.once('exit', r));
  };
  return { submissions, done, roundTrip, stop };
}

/** 8 gates, each submitting `rounds` deployments one after another and waiting for each outcome. */
async function closedLoop(e: EngineProcess, prefix: string, rounds: number): Promise<number> {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 8 }, async (_, c) => { for (let i = 0; i < rounds; i++) await e.roundTrip(`${prefix}-c${c}-${i}`); }));
  return (8 * rounds) / ((performance.now() - t0) / 1000);
}

interface ZeroBake { closedLoop: number; queued: number }

async function measureZeroBake(dir: string, name: string, config: string): Promise<ZeroBake> {
  const e = await startEngine(dir, name, config);
  try {
    for (let i = 0; i < 3; i++) await e.roundTrip(`warm-${i}`);
    const loop = await closedLoop(e, 'z', 25);
    const ids = Array.from({ length: 200 }, (_, i) => `q-${i}`);
    const t0 = performance.now();
    for (const id of ids) e.submissions.submit(request(id), Date.now(), Date.now() + 600_000);
    for (const id of ids) await e.done(id);
    return { closedLoop: loop, queued: ids.length / ((performance.now() - t0) / 1000) };
  } finally {
    await e.stop();
  }
}

async function measureBaked(dir: string, name: string, config: string): Promise<number> {
  const e = await startEngine(dir, name, config);
  try {
    await e.roundTrip('warm');
    return await closedLoop(e, 'b', ROUNDS_BAKED);
  } finally {
    await e.stop();
  }
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : (s[Math.min(s.length - 1, Math.floor(q * s.length))] as number);
};

interface Unblocked {
  passes: number;
  passMsP50: number;
  passMsP99: number;
  intervalMsMax: number;
  /** Passes that started with 8 consultations outstanding. */
  passesWith8: number;
  probeCanaryS: number;
  waves: number;
}

const WAVE_MS = 600;

/**
 * The engine loop in this process (the same LiveRunner the engine command runs), timed pass by pass, while a
 * wave of 8 submissions arrives every WAVE_MS (with the model: 8 consultations of 500 ms outstanding most of
 * the time) and a probe deployment, accepted before, bakes through its five stages. Run once with the built-in
 * advisor and once with the model, the same waves: what the outstanding consultations cost the engine.
 */
async function measureUnblocked(dir: string, name: string, config: string, model: SlowModel): Promise<Unblocked> {
  const live = openLiveEngine({ db: join(dir, `${name}.db`), catalog: 'fixtures/catalog.yaml', config }, () => undefined);
  const passes: Array<{ start: number; ms: number; outstanding: number }> = [];
  const step = live.runner.step.bind(live.runner);
  live.runner.step = () => {
    const start = performance.now();
    const outstanding = model.inFlight();
    step();
    passes.push({ start, ms: performance.now() - start, outstanding });
  };
  const submissions = new Submissions(live.ctx.db);
  const until = async (ok: () => boolean): Promise<void> => {
    while (!ok()) await new Promise((r) => setTimeout(r, 5));
  };
  live.runner.start();
  try {
    submissions.submit(request('probe'), Date.now(), Date.now() + 600_000);
    await until(() => (live.engine.get('probe')?.state ?? '').startsWith('canary'));
    const from = Date.now();
    const first = passes.length;
    let waves = 0;
    const timer = setInterval(() => {
      for (let i = 0; i < 8; i++) submissions.submit(request(`w${waves}-${i}`), Date.now(), Date.now() + 600_000);
      waves += 1;
    }, WAVE_MS);
    await until(() => Boolean(live.engine.get('probe')?.outcome));
    clearInterval(timer);
    const probeCanaryS = (Date.now() - from) / 1000;
    const during = passes.slice(first);
    const intervals = during.slice(1).map((p, i) => p.start - (during[i] as (typeof during)[number]).start);
    return {
      passes: during.length,
      passMsP50: quantile(during.map((p) => p.ms), 0.5),
      passMsP99: quantile(during.map((p) => p.ms), 0.99),
      intervalMsMax: Math.max(...intervals),
      passesWith8: during.filter((p) => p.outstanding >= 8).length,
      probeCanaryS,
      waves,
    };
  } finally {
    live.runner.stop();
    live.ctx.close();
  }
}

export async function runAdvisorBench(): Promise<void> {
  const model = await slowModel();
  try {
    await withTempDir(async (dir) => {
      const write = (name: string, text: string): string => {
        const file = join(dir, `${name}.yaml`);
        writeFileSync(file, text);
        return file;
      };
      const zero = 'canary: { bakeSeconds: 0, sampleIntervalSeconds: 0.01, minSamples: 1 }\nlive: { pollMs: 10 }\n';
      const baked = `canary: { bakeSeconds: ${BAKE_S}, sampleIntervalSeconds: 0.25, minSamples: 3 }\nlive: { pollMs: 10 }\n`;
      // maxConcurrent 128: enough consultations in flight that a 500 ms model does not cap the queue's rate.
      const advisor = (n: number): string => `advisor: { kind: openai, baseUrl: "${model.url}", model: bench-model, timeoutSeconds: 5, maxRetries: 0, maxConcurrent: ${n} }\n`;
      const zBuiltin = await measureZeroBake(dir, 'zero-builtin', write('zero-builtin', zero));
      const zModel = await measureZeroBake(dir, 'zero-model', write('zero-model', zero + advisor(128)));
      // Built-in and model alternate, so a change in the machine's load falls on both.
      const loadAtStart = loadavg()[0] ?? NaN;
      const bakedRuns: Array<{ builtin: number; model: number }> = [];
      for (let i = 0; i < ALTERNATIONS; i++) {
        const builtin = await measureBaked(dir, `baked-builtin-${i}`, write(`baked-builtin-${i}`, baked));
        bakedRuns.push({ builtin, model: await measureBaked(dir, `baked-model-${i}`, write(`baked-model-${i}`, baked + advisor(8))) });
      }
      const median = (xs: number[]): number => {
        const sorted = [...xs].sort((a, b) => a - b);
        const mid = sorted.length / 2;
        return sorted.length % 2 === 1 ? (sorted[Math.floor(mid)] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
      };
      const bBuiltin = median(bakedRuns.map((r) => r.builtin));
      const bModel = median(bakedRuns.map((r) => r.model));
      const uBuiltin = await measureUnblocked(dir, 'unblocked-builtin', write('unblocked-builtin', baked), model);
      const uModel = await measureUnblocked(dir, 'unblocked-model', write('unblocked-model', baked + advisor(8)), model);
      const pct = (a: number, b: number): number => Number(((a / b) * 100).toFixed(1));
      const r1 = (x: number): number => Number(x.toFixed(1));
      const r2 = (x: number): number => Number(x.toFixed(2));
      const r3 = (x: number): number => Number(x.toFixed(3));
      const rows: BenchRow[] = [
        { metric: `canaries baking ${BAKE_S} s a stage (${STAGES} stages), 8 concurrent gates, built-in advisor (median of ${bakedRuns.length} runs: ${bakedRuns.map((r) => r.builtin.toFixed(3)).join(', ')})`, value: r3(bBuiltin), unit: 'deployments/s' },
        { metric: `the same, model answering in ${MODEL_MS} ms (median of ${bakedRuns.length} runs: ${bakedRuns.map((r) => r.model.toFixed(3)).join(', ')})`, value: r3(bModel), unit: 'deployments/s' },
        { metric: 'baking canaries: model / built-in', value: pct(bModel, bBuiltin), unit: '%', target: '≥ 90%', met: bModel >= 0.9 * bBuiltin },
        { metric: `expected if the model added exactly its ${MODEL_MS} ms to the built-in round trip measured (8 / rate = ${(8 / bBuiltin).toFixed(2)} s)`, value: pct(8 / bBuiltin, 8 / bBuiltin + MODEL_MS / 1000), unit: '%' },
        { metric: `a probe canary's ${STAGES} stages of ${BAKE_S} s, from canary to outcome, while 8 submissions arrive every ${WAVE_MS} ms: built-in advisor`, value: r2(uBuiltin.probeCanaryS), unit: 's' },
        { metric: `the same, model answering in ${MODEL_MS} ms (8 consultations outstanding at ${uModel.passesWith8} of ${uModel.passes} loop passes)`, value: r2(uModel.probeCanaryS), unit: 's' },
        { metric: 'engine loop pass duration meanwhile, p50, built-in advisor', value: r2(uBuiltin.passMsP50), unit: 'ms' },
        { metric: 'the same, model', value: r2(uModel.passMsP50), unit: 'ms' },
        { metric: 'engine loop pass duration meanwhile, p99, built-in advisor', value: r2(uBuiltin.passMsP99), unit: 'ms' },
        { metric: 'the same, model', value: r2(uModel.passMsP99), unit: 'ms' },
        { metric: 'longest interval between two loop passes (poll 10 ms), built-in advisor', value: r1(uBuiltin.intervalMsMax), unit: 'ms' },
        { metric: 'the same, model', value: r1(uModel.intervalMsMax), unit: 'ms' },
        { metric: 'canaries with no bake, 8 concurrent gates, built-in advisor', value: r1(zBuiltin.closedLoop), unit: 'deployments/s' },
        { metric: `the same, model answering in ${MODEL_MS} ms`, value: r1(zModel.closedLoop), unit: 'deployments/s' },
        { metric: 'no bake: model / built-in (bounded by the model latency, see notes)', value: pct(zModel.closedLoop, zBuiltin.closedLoop), unit: '%' },
        { metric: '200 queued submissions, no bake, built-in advisor', value: r1(zBuiltin.queued), unit: 'deployments/s' },
        { metric: `the same, model answering in ${MODEL_MS} ms (128 at once)`, value: r1(zModel.queued), unit: 'deployments/s' },
        { metric: '200 queued: model / built-in', value: pct(zModel.queued, zBuiltin.queued), unit: '%' },
        { metric: 'model calls made', value: model.calls(), unit: '' },
      ];
      writeResults('advisor', 'npm run bench -- advisor', rows, [
        `Engine: a separate \`genops-tui engine\` process (poll 10 ms) fed by gates through the database, for the throughput rows; the model is a local OpenAI-compatible server answering "proceed" after ${MODEL_MS} ms, consulted outside the engine's write transactions. Governance is unchanged: no canary starts before its advisor answered.`,
        `Baking canaries: each stage bakes ${BAKE_S} s (samples every 0.25 s, at least 3), ${STAGES} stages, so a gate's round trip is at least ${STAGES * BAKE_S} s (more as measured: a stage ends with the sample that decides it, then the traffic shift and the writes); 8 gates run ${ROUNDS_BAKED} deployments each, one after another; built-in and model alternate ${ALTERNATIONS} times in the same run (a fresh engine and database each) and their medians are compared. Real canaries bake minutes a stage (120 s by default: 10 minutes over 5 stages), where ${MODEL_MS} ms is under 0.1% of a round trip; ${BAKE_S} s is that compressed 80-fold so the bench ends in minutes, which makes the model's share 80 times larger than with the defaults. The ratio is what 8 gates that each wait for their outcome can get: 8 / (round trip + the model's latency); the expected row computes it from the built-in round trip.`,
        `Not blocked: the engine loop runs in the bench process (the same LiveRunner as \`genops-tui engine\`), each pass timed, while a wave of 8 submissions arrives every ${WAVE_MS} ms and a probe deployment, accepted before, bakes its ${STAGES} stages; with the model (maxConcurrent 8) 8 consultations of ${MODEL_MS} ms are outstanding most of that time. The same waves with the built-in advisor are the reference: the probe's canary time and the loop's passes are what outstanding consultations cost the engine.`,
        `No bake: a gate's whole round trip is tens of milliseconds, so 8 gates each waiting for its outcome are bounded by 8 / (round trip + ${MODEL_MS} ms) ≈ 13/s whatever the engine does: this measures the model's latency, not the engine's. The queued rows: 200 submissions at once, 128 consultations in flight, so at least two ${MODEL_MS} ms waves.`,
        `Load average (1 min) at the start of the baking runs: ${loadAtStart.toFixed(1)}; at the end: ${(loadavg()[0] ?? NaN).toFixed(1)} (${cpus().length} cores).`,
      ]);
    });
  } finally {
    await model.close();
  }
}
