// An operator at a real terminal: `genops-tui --live` in a pseudo-terminal (util-linux `script`) while a
// separate `genops-tui engine` process runs; a key press approves a gated deployment through that engine.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CLI, exited, run, startUntil, waitFor } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
const children: Array<{ kill(s?: NodeJS.Signals): boolean }> = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

describe('attached console in a terminal', () => {
  it('shows the engine process\'s gated deployment and approves it by key', { timeout: 60_000 }, async () => {
    const db = join(dir, 'attached.db');
    const engine = await startUntil(['engine', '--db', db, '--catalog', 'fixtures/catalog.yaml', '--config', 'examples/fast-canary.yaml'], 'engine started');
    children.push(engine.child);
    expect((await run(['gate', '--db', db, '--id', 'm1', '--service', 'payments-api', '--version', '2.0.0', '--lines', '40', '--migration', '--requested-by', 'ci-bot', '--no-wait'])).code).toBe(0);
    const inspect = new Database(db, { readonly: true });
    const state = () => (inspect.prepare('SELECT state FROM deployments WHERE id = ?').pluck().get('m1') as string | undefined) ?? '';
    await waitFor(() => state() === 'awaiting_approval', { shows: state });

    const tui = spawn('script', ['-qfec', `${process.execPath} ${CLI} --live --db ${db} --config examples/fast-canary.yaml --as dave --ascii --no-color`, '/dev/null'], {
      // CI=false: under CI, Ink draws only the last frame, and a person at this terminal would see nothing.
      env: { ...process.env, CI: 'false', COLUMNS: '120', LINES: '40' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.push(tui);
    let screen = '';
    tui.stdout.on('data', (d: Buffer) => (screen += d.toString()));
    await waitFor(() => screen.includes('attached to') && screen.includes('m1') && screen.includes('engine ok alive'), { shows: () => screen.slice(-2000) });
    tui.stdin.write('a'); // every approval asks, naming the deployment
    await waitFor(() => screen.includes('Approve m1?'), { shows: () => screen.slice(-2000) });
    await new Promise((r) => setTimeout(r, 200));
    if (screen.slice(screen.lastIndexOf('Approve m1?')).includes('[ Cancel ]')) {
      tui.stdin.write('\u001b[C');
      await new Promise((r) => setTimeout(r, 200));
    }
    tui.stdin.write('\r');
    const approvedBy = () => (inspect.prepare("SELECT CAST(canonical AS TEXT) FROM audit WHERE deployment_id = 'm1' AND CAST(canonical AS TEXT) LIKE '%\"event\":\"approved\"%'").pluck().get() as string | undefined) ?? '';
    await waitFor(() => approvedBy() !== '', { shows: () => screen.slice(-2000) });
    expect(JSON.parse(approvedBy()).actor).toEqual({ id: 'dave', kind: 'human' });
    await waitFor(() => screen.includes('approved m1 (payments-api 2.0.0) as dave'), { shows: () => screen.slice(-2000) });
    await waitFor(() => (inspect.prepare('SELECT outcome FROM deployments WHERE id = ?').pluck().get('m1') as string | null) === 'succeeded', { shows: state });
    expect(screen).toMatch(/engine ok alive \d+\.\ds/); // the engine's lease, renewed while it runs
    // The engine stops: the console says it is gone instead of showing a silent, frozen screen.
    engine.child.kill('SIGTERM');
    expect(await exited(engine.child)).toBe(0);
    await waitFor(() => screen.includes('engine GONE'), { shows: () => screen.slice(-2000) });
    tui.stdin.write('q');
    expect(await exited(tui)).toBe(0);
    inspect.close();
  });
});
