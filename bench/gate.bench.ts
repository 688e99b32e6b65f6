// Live mode: gate round-trip latency for an auto-approved LOW request with the engine idle, and throughput
// with 8 concurrent submitters. The engine is a real separate process; a bench config sets bake to zero.
import { spawn, spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { openDatabase } from '../source/store/database.js';
import { Submissions } from '../source/store/submissions.js';
import type { DeploymentRequest } from '../source/domain/schemas.js';
import { writeResults } from './results-file.js';
import { withTempDir } from './temp-db.js';

const CLI = join(process.cwd(), 'dist', 'source', 'cli.js');
const CONFIG = 'examples/fast-canary.yaml';

const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;

function request(id: string): DeploymentRequest {
  return {
    id, serviceId: 'notifications', version: '1.0.0', requestedBy: 'bench', requestedAt: new Date().toISOString(),
    change: { linesChanged: 5, filesChanged: 1, dbMigration: false, configChange: false, hotfix: false, summary: 'bench' },
  };
}

export async function runGateBench(): Promise<void> {
  await withTempDir(async (dir) => {
    const dbFile = join(dir, 'gate.db');
    const engine = spawn(process.execPath, [CLI, 'engine', '--db', dbFile, '--catalog', 'fixtures/catalog.yaml', '--config', CONFIG]);
    await new Promise<void>((resolve) => engine.stdout.on('data', (d: Buffer) => d.toString().includes('engine started') && resolve()));
    const db = openDatabase(dbFile);
    const submissions = new Submissions(db);
    const outcome = db.prepare('SELECT outcome FROM deployments WHERE id = ?').pluck();
    const plan = db.prepare("SELECT json_extract(assessment, '$.decision.plan') FROM deployments WHERE id = ?").pluck();
    const overheads: number[] = [];
    // What `gate` does, minus starting a Node process: submit, then poll for the outcome.
    const roundTrip = async (id: string): Promise<number> => {
      const t = performance.now();
      submissions.submit(request(id), Date.now(), Date.now() + 60_000);
      while (!outcome.get(id)) await new Promise((r) => setTimeout(r, 2));
      if (outcome.get(id) !== 'succeeded') throw new Error(`${id}: ${String(outcome.get(id))}`);
      const ms = performance.now() - t;
      // The configured waits: one 10 ms sample interval per stage of the plan it ran.
      overheads.push(ms - (plan.get(id) === 'cautious' ? 7 : 5) * 10);
      return ms;
    };
    for (let i = 0; i < 5; i++) await roundTrip(`warm-${i}`);
    overheads.length = 0;
    const single: number[] = [];
    for (let i = 0; i < 50; i++) single.push(await roundTrip(`one-${i}`));
    const overhead = quantile(overheads, 0.5);
    const t0 = performance.now();
    const per = 25;
    await Promise.all(Array.from({ length: 8 }, async (_, c) => { for (let i = 0; i < per; i++) await roundTrip(`c${c}-${i}`); }));
    const throughput = (8 * per) / ((performance.now() - t0) / 1000);
    const cli: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      const r = spawnSync(process.execPath, [CLI, 'gate', '--db', dbFile, '--service', 'notifications', '--version', `cli-${i}`, '--lines', '5', '--requested-by', 'bench']);
      if (r.status !== 0) throw new Error(`gate exited ${String(r.status)}: ${r.stderr.toString()}`);
      cli.push(performance.now() - t);
    }
    db.close();
    engine.kill('SIGTERM');
    const p50 = quantile(single, 0.5);
    writeResults(
      'gate',
      'npm run bench -- gate',
      [
        { metric: 'round trip, LOW auto-approved, engine idle: p50', value: Number(p50.toFixed(1)), unit: 'ms' },
        { metric: 'round trip p99', value: Number(quantile(single, 0.99).toFixed(1)), unit: 'ms' },
        { metric: 'p50 beyond configured waits (one 10 ms sample interval per stage of the plan run)', value: Number(overhead.toFixed(1)), unit: 'ms', target: '≤ 100 ms', met: overhead <= 100 },
        { metric: 'throughput, 8 concurrent submitters', value: Number(throughput.toFixed(1)), unit: 'deployments/s' },
        { metric: '`genops-tui gate` CLI wall time p50 (includes starting Node)', value: Math.round(quantile(cli, 0.5)), unit: 'ms' },
      ],
      [`Engine: a separate \`genops-tui engine\` process with ${CONFIG} (bake 0, one sample per stage every 10 ms, poll 10 ms); clients poll SQLite every 2 ms, as the gate does every 25 ms.`],
    );
  });
}
