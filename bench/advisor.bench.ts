// The live engine with a model advisor that takes 500 ms to answer (a local OpenAI-compatible server), against
// the built-in advisor: deployments per second with 8 concurrent gates (each waiting for its outcome, as CI
// does), and with 200 submissions queued at once (what the engine itself gets through).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../source/store/database.js';
import { Submissions } from '../source/store/submissions.js';
import type { DeploymentRequest } from '../source/domain/schemas.js';
import { writeResults } from './results-file.js';
import { withTempDir } from './temp-db.js';

const CLI = join(process.cwd(), 'dist', 'source', 'cli.js');
const MODEL_MS = 500;

function request(id: string): DeploymentRequest {
  return {
    id, serviceId: 'notifications', version: '1.0.0', requestedBy: 'bench', requestedAt: new Date().toISOString(),
    change: { linesChanged: 5, filesChanged: 1, dbMigration: false, configChange: false, hotfix: false, summary: 'bench' },
  };
}

/** A model that answers "proceed" after MODEL_MS, like a hosted model under light load. */
async function slowModel(): Promise<{ url: string; calls: () => number; close: () => Promise<void> }> {
  let calls = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls += 1;
      setTimeout(() => {
        const content = JSON.stringify({ recommendation: 'proceed', confidence: 0.8, rationale: 'routine change', evidenceIds: [] });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'b', object: 'chat.completion', created: 0, model: 'bench', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }], usage: { prompt_tokens: 900, completion_tokens: 40, total_tokens: 940 } }));
      }, MODEL_MS);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, calls: () => calls, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

interface Run { closedLoop: number; queued: number }

async function measure(dir: string, name: string, config: string): Promise<Run> {
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
  for (let i = 0; i < 3; i++) await roundTrip(`warm-${i}`);
  const per = 25;
  let t0 = performance.now();
  await Promise.all(Array.from({ length: 8 }, async (_, c) => { for (let i = 0; i < per; i++) await roundTrip(`c${c}-${i}`); }));
  const closedLoop = (8 * per) / ((performance.now() - t0) / 1000);
  const ids = Array.from({ length: 200 }, (_, i) => `q-${i}`);
  t0 = performance.now();
  for (const id of ids) submissions.submit(request(id), Date.now(), Date.now() + 600_000);
  for (const id of ids) await done(id);
  const queued = ids.length / ((performance.now() - t0) / 1000);
  db.close();
  engine.kill('SIGTERM');
  await new Promise((r) => engine.once('exit', r));
  return { closedLoop, queued };
}

export async function runAdvisorBench(): Promise<void> {
  const model = await slowModel();
  try {
    await withTempDir(async (dir) => {
      const base = 'canary: { bakeSeconds: 0, sampleIntervalSeconds: 0.01, minSamples: 1 }\nlive: { pollMs: 10 }\n';
      const builtinConfig = join(dir, 'builtin.yaml');
      const modelConfig = join(dir, 'model.yaml');
      writeFileSync(builtinConfig, base);
      // maxConcurrent 128: enough consultations in flight that a 500 ms model does not cap the queue's rate.
      writeFileSync(modelConfig, `${base}advisor: { kind: openai, baseUrl: "${model.url}", model: bench-model, timeoutSeconds: 5, maxRetries: 0, maxConcurrent: 128 }\n`);
      const builtin = await measure(dir, 'builtin', builtinConfig);
      const slow = await measure(dir, 'model', modelConfig);
      const ratio = (a: number, b: number): number => Number(((a / b) * 100).toFixed(1));
      writeResults(
        'advisor',
        'npm run bench -- advisor',
        [
          { metric: '8 concurrent gates, built-in advisor', value: Number(builtin.closedLoop.toFixed(1)), unit: 'deployments/s' },
          { metric: `8 concurrent gates, model answering in ${MODEL_MS} ms`, value: Number(slow.closedLoop.toFixed(1)), unit: 'deployments/s' },
          { metric: '8 concurrent gates: model / built-in', value: ratio(slow.closedLoop, builtin.closedLoop), unit: '%', target: '≥ 90%', met: slow.closedLoop >= 0.9 * builtin.closedLoop },
          { metric: '200 queued submissions, built-in advisor', value: Number(builtin.queued.toFixed(1)), unit: 'deployments/s' },
          { metric: `200 queued submissions, model answering in ${MODEL_MS} ms`, value: Number(slow.queued.toFixed(1)), unit: 'deployments/s' },
          { metric: '200 queued: model / built-in', value: ratio(slow.queued, builtin.queued), unit: '%', target: '≥ 90%', met: slow.queued >= 0.9 * builtin.queued },
          { metric: 'model calls made', value: model.calls(), unit: '' },
        ],
        [
          `Engine: a separate \`genops-tui engine\` process, canaries with no bake (one sample per stage every 10 ms), poll 10 ms; the model is a local OpenAI-compatible server answering "proceed" after ${MODEL_MS} ms, consulted outside the engine's write transactions (at most 128 at once).`,
          `With 8 gates each waiting for its outcome, throughput is bounded by 8 / (round trip): a ${MODEL_MS} ms answer added to a round trip of tens of milliseconds cannot stay within 10% whatever the engine does; with canaries of minutes it would be a small share. The queued figure is what the engine gets through when enough work is waiting.`,
        ],
      );
    });
  } finally {
    await model.close();
  }
}
