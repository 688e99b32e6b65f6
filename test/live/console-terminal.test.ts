// The console in a real pseudo-terminal (util-linux `script`), as an operator types: keys written in one read
// are all handled, Ctrl and Alt combinations are not letters, the alternate screen is entered and left, and
// --no-color and NO_COLOR both draw without a single colour or attribute sequence.
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

/** The console in a pty; `screen()` is everything it wrote. NO_COLOR and FORCE_COLOR come from `env` only. */
function consoleInPty(args: string, env: Record<string, string> = {}) {
  const base = { ...process.env };
  delete base.NO_COLOR;
  delete base.FORCE_COLOR;
  const tui = spawn('script', ['-qfec', `stty cols 120 rows 40; ${process.execPath} ${CLI} ${args}`, '/dev/null'], {
    // CI=false: under CI, Ink draws only the last frame, and a person at this terminal would see nothing.
    env: { ...base, CI: 'false', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(tui);
  let screen = '';
  tui.stdout.on('data', (d: Buffer) => (screen += d.toString()));
  return { tui, screen: () => screen, shows: () => screen.slice(-3000) };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('console in a terminal', () => {
  it('Ctrl-A, Ctrl-R and Alt-A decide nothing; a opens the approval; a reason and Enter typed in one read reject; ":quit⏎" in one read quits; the alternate screen is left', { timeout: 60_000 }, async () => {
    const db = join(dir, 'keys.db');
    const { tui, screen, shows } = consoleInPty(`replay fixtures/replay-small.ndjson --paused --db ${db} --as olga --no-color`);
    await waitFor(() => screen().includes('REPLAY paused'), { shows });
    expect(screen().startsWith('\u001b[?1049h')).toBe(true);
    tui.stdin.write(' '); // the first request arrives and waits for approval; it is the selection
    await waitFor(() => screen().includes('awaiting approval'), { shows });
    await pause(300);
    for (const k of ['\u0001', '\u0012', '\u001ba']) {
      tui.stdin.write(k);
      await pause(200);
    }
    expect(screen()).not.toContain('Approve dep-000000?');
    expect(screen()).not.toContain('Reject dep-000000');
    tui.stdin.write('a');
    await waitFor(() => screen().includes('Approve dep-000000?'), { shows });
    tui.stdin.write('\u001b');
    await waitFor(() => screen().includes('cancelled: nothing was done'), { shows });
    await pause(100);
    tui.stdin.write('r');
    await waitFor(() => screen().includes('Reject dep-000000: reason'), { shows });
    await pause(100);
    tui.stdin.write('not now\r'); // a reason and Enter, typed within one read
    await waitFor(() => screen().includes('rejected dep-000000'), { shows });
    await pause(100);
    tui.stdin.write(':quit\r'); // five keys in one write
    expect(await exited(tui)).toBe(0);
    // Left last: after it only the cursor is shown again, no frame lands in the shell's scrollback.
    const left = screen().lastIndexOf('\u001b[?1049l');
    expect(left).toBeGreaterThan(screen().lastIndexOf('\u001b[?1049h'));
    expect(screen().slice(left + 8)).toMatch(/^(\u001b\[\?25h|\s)*$/);
    // What olga did, from the trail: the one rejection, with the reason typed in one read; nothing else.
    const trail = new Database(db, { readonly: true });
    const human = (trail.prepare("SELECT CAST(canonical AS TEXT) FROM audit WHERE CAST(canonical AS TEXT) LIKE '%\"id\":\"olga\"%'").pluck().all() as string[]).map((c) => JSON.parse(c) as { event: string; payload: unknown });
    trail.close();
    expect(human.map((e) => [e.event, e.payload])).toEqual([['rejected', { reason: 'not now' }]]);
  });

  it('--no-color and NO_COLOR draw the same way: no colour or attribute sequence at all, the focused button in brackets', { timeout: 60_000 }, async () => {
    const runs = [
      consoleInPty(`replay fixtures/replay-small.ndjson --paused --db ${join(dir, 'flag.db')} --as olga --no-color`),
      consoleInPty(`replay fixtures/replay-small.ndjson --paused --db ${join(dir, 'env.db')} --as olga`, { NO_COLOR: '1' }),
    ];
    for (const r of runs) {
      await waitFor(() => r.screen().includes('REPLAY paused'), { shows: r.shows });
      r.tui.stdin.write(' ');
      await waitFor(() => r.screen().includes('awaiting approval'), { shows: r.shows });
      await pause(300);
      r.tui.stdin.write('a');
      await waitFor(() => r.screen().includes('[ Approve ]') || r.screen().includes('[ Cancel ]'), { shows: r.shows });
      r.tui.stdin.write('\u001b');
      await pause(200);
      r.tui.stdin.write('q');
      expect(await exited(r.tui)).toBe(0);
      expect(r.screen().match(/\u001b\[[0-9;]*m/g)).toBeNull();
    }
  });
});
