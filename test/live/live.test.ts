// Live mode with real processes: gates, a headless engine, approvals from the command line, and an engine
// killed mid-canary and replaced.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { exited, run, startUntil, waitFor } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
const children: Array<{ kill(s?: NodeJS.Signals): boolean }> = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

describe('live mode', () => {
  it('8 concurrent gates, one engine, approvals by CLI: one decision each, exit codes match outcomes, the chain verifies', { timeout: 120_000 }, async () => {
    const db = join(dir, 'live.db');
    const engine = await startUntil(['engine', '--db', db, '--catalog', 'fixtures/catalog.yaml', '--config', 'examples/fast-canary.yaml'], 'engine started');
    children.push(engine.child);
    const gate = (id: string, service: string, extra: string[] = []) =>
      run(['gate', '--db', db, '--id', id, '--service', service, '--version', '1.0.0', '--lines', '20', '--requested-by', 'ci-bot', '--wait', '90s', '--json', ...extra], 100_000);
    const gates = [
      gate('g1', 'notifications'),
      gate('g2', 'notifications', ['--summary', 'small fix']),
      gate('g3', 'auth'), // high tier, MEDIUM with no history yet: needs approval
      gate('g4', 'search'), // error budget exhausted: blocked
      gate('g5', 'payments-api', ['--migration']), // approved below
      gate('g6', 'ledger', ['--migration']), // rejected below
      gate('g7', 'feature-store'), // budget under 10%: needs approval, approved below
      gate('g8', 'postgres-proxy'), // likewise
    ];
    const inspect = new Database(db, { readonly: true });
    const awaiting = (id: string) => inspect.prepare("SELECT 1 FROM deployments WHERE id = ? AND state = 'awaiting_approval'").get(id) !== undefined;
    await waitFor(() => ['g3', 'g5', 'g6', 'g7', 'g8'].every(awaiting), { timeoutMs: 40_000 });
    expect((await run(['approve', 'g5', '--db', db, '--as', 'ci-bot'])).code).toBe(1); // the requester may not approve
    expect((await run(['approve', 'g5', '--db', db, '--as', 'alice'])).code).toBe(0);
    expect((await run(['reject', 'g6', '--db', db, '--as', 'bob', '--reason', 'not today'])).code).toBe(0);
    expect((await run(['approve', 'g7', '--db', db, '--as', 'alice', '--reason', 'budget is fine'])).code).toBe(0);
    for (const id of ['g3', 'g8']) expect((await run(['approve', id, '--db', db, '--as', 'carol'])).code).toBe(0);
    const results = await Promise.all(gates);
    const byId = Object.fromEntries(results.map((r) => { const j = JSON.parse(r.stdout) as { id: string; outcome: string; exitCode: number }; expect(r.code).toBe(j.exitCode); return [j.id, j.outcome]; }));
    expect(byId).toEqual({ g1: 'succeeded', g2: 'succeeded', g3: 'succeeded', g4: 'blocked', g5: 'succeeded', g6: 'rejected', g7: 'succeeded', g8: 'succeeded' });
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 12, 0, 10, 0, 0]);
    // Exactly one row, one decision and one outcome per request.
    const counts = inspect.prepare("SELECT deployment_id, count(*) AS n FROM audit WHERE deployment_id LIKE 'g%' AND CAST(canonical AS TEXT) LIKE '%\"event\":\"finished\"%' GROUP BY deployment_id").all() as Array<{ n: number }>;
    expect(counts).toHaveLength(8);
    expect(counts.every((c) => c.n === 1)).toBe(true);
    expect((inspect.prepare('SELECT count(*) FROM deployments').pluck().get() as number)).toBe(8);
    inspect.close();
    engine.child.kill('SIGTERM');
    expect(await exited(engine.child)).toBe(0);
    const verify = await run(['audit', 'verify', '--db', db]);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/intact: \d+ entries/);
  });

  it('an engine killed mid-canary is replaced; the deployment resumes from its stage and the waiting gate gets its answer', { timeout: 120_000 }, async () => {
    const db = join(dir, 'kill.db');
    const args = ['engine', '--db', db, '--catalog', 'fixtures/catalog.yaml', '--config', 'examples/slow-canary.yaml'];
    const first = await startUntil(args, 'engine started');
    children.push(first.child);
    const gate = run(['gate', '--db', db, '--id', 'k1', '--service', 'notifications', '--version', '2.0.0', '--lines', '5', '--requested-by', 'ci', '--wait', '60s', '--json']);
    const inspect = new Database(db, { readonly: true });
    await waitFor(() => /^canary (5|10|25)%$/.test((inspect.prepare("SELECT state FROM deployments WHERE id = 'k1'").pluck().get() as string | undefined) ?? ''));
    const stageAtKill = inspect.prepare("SELECT state FROM deployments WHERE id = 'k1'").pluck().get() as string;
    first.child.kill('SIGKILL');
    await exited(first.child);
    const second = await startUntil(args, 'engine started');
    children.push(second.child);
    expect(second.output()).toMatch(/resumed 1 in-flight deployment/);
    const result = await gate;
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ id: 'k1', outcome: 'succeeded' });
    const events = (inspect.prepare("SELECT CAST(canonical AS TEXT) FROM audit WHERE deployment_id = 'k1' ORDER BY seq").pluck().all() as string[]).map((t) => JSON.parse(t) as { event: string; payload: { percent?: number; state?: string } });
    const resumed = events.find((e) => e.event === 'resumed_after_restart');
    expect(resumed?.payload.state).toBeDefined();
    // Every stage was shifted to; a stage shifted twice is one that was resumed, and says so.
    const shifts = events.filter((e) => e.event === 'traffic_shifted').map((e) => e.payload.percent);
    expect(new Set(shifts)).toEqual(new Set([1, 2, 5, 10, 25, 50, 100]));
    expect(shifts.length - new Set(shifts).size).toBeLessThanOrEqual(1);
    expect(stageAtKill).toMatch(/^canary/);
    inspect.close();
    second.child.kill('SIGTERM');
    await exited(second.child);
    expect((await run(['audit', 'verify', '--db', db])).code).toBe(0);
  });
});
