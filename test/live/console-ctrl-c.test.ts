// Ctrl-C in the real console (a pseudo-terminal through util-linux `script`): in a prompt it cancels the prompt
// and the status line says so; the console keeps running; a second Ctrl-C quits and leaves the alternate screen.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CLI, exited, waitFor } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
const children: Array<{ kill(s?: NodeJS.Signals): boolean }> = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Ctrl-C in a terminal', () => {
  it('cancels a reject prompt without quitting; the second Ctrl-C quits with 0', { timeout: 60_000 }, async () => {
    const db = join(dir, 'ctrl-c.db');
    const base = { ...process.env };
    delete base.NO_COLOR;
    delete base.FORCE_COLOR;
    const tui = spawn('script', ['-qfec', `stty cols 120 rows 40; ${process.execPath} ${CLI} replay fixtures/replay-small.ndjson --paused --db ${db} --as olga --no-color`, '/dev/null'], {
      env: { ...base, CI: 'false' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.push(tui);
    let screen = '';
    tui.stdout.on('data', (d: Buffer) => (screen += d.toString()));
    const shows = () => screen.slice(-3000);
    await waitFor(() => screen.includes('REPLAY paused'), { shows });
    tui.stdin.write(' ');
    await waitFor(() => screen.includes('awaiting approval'), { shows });
    await pause(300);
    tui.stdin.write('r');
    await waitFor(() => screen.includes('Reject dep-000000: reason'), { shows });
    await pause(100);
    tui.stdin.write('too ri');
    await pause(200);
    tui.stdin.write('\u0003');
    await waitFor(() => screen.includes('rejection cancelled: nothing was done (Ctrl-C: a second Ctrl-C or q quits)'), { shows });
    await pause(300);
    expect(tui.exitCode).toBeNull();
    tui.stdin.write('\u0003');
    expect(await exited(tui)).toBe(0);
    expect(screen.lastIndexOf('\u001b[?1049l')).toBeGreaterThan(screen.lastIndexOf('\u001b[?1049h'));
    const trail = new Database(db, { readonly: true });
    const olga = trail.prepare("SELECT count(*) FROM audit WHERE CAST(canonical AS TEXT) LIKE '%\"id\":\"olga\"%'").pluck().get();
    trail.close();
    expect(olga).toBe(0);
  });
});
