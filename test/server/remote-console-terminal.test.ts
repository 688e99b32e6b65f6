// An operator at a real terminal (util-linux `script`) with `genops-tui console --server URL`, against a real
// `genops-tui serve` on 127.0.0.1: the panes show the served deployments, an approval by key is audited under
// the token's name, a viewer's key is refused in the server's words, and the server SIGKILLed and restarted
// shows as GONE, then alive again with what happened meanwhile.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, exited, run, startUntil, waitFor } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
const db = join(dir, 'remote-console.db');
const children: Array<{ kill(s?: NodeJS.Signals): boolean }> = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

function withToken(token: string, args: string[]): ReturnType<typeof run> {
  const before = process.env.GENOPS_TOKEN;
  process.env.GENOPS_TOKEN = token;
  try {
    return run(args);
  } finally {
    if (before === undefined) delete process.env.GENOPS_TOKEN;
    else process.env.GENOPS_TOKEN = before;
  }
}

/** The console in a pseudo-terminal, 120×40; `screen()` is everything it drew. */
function terminal(token: string, url: string) {
  const tui = spawn('script', ['-qfec', `${process.execPath} ${CLI} console --server ${url} --config examples/fast-canary.yaml --ascii --no-color`, '/dev/null'], {
    // CI=false: under CI, Ink draws only the last frame, and a person at this terminal would see nothing.
    env: { ...process.env, CI: 'false', COLUMNS: '120', LINES: '40', GENOPS_TOKEN: token, GENOPS_SERVER: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(tui);
  let all = '';
  tui.stdout.on('data', (d: Buffer) => (all += d.toString()));
  const screen = (): string => all;
  const shows = () => all.slice(-2500);
  const keys = async (...ks: string[]): Promise<void> => {
    for (const k of ks) {
      tui.stdin.write(k);
      await new Promise((r) => setTimeout(r, 150));
    }
  };
  return { tui, screen, shows, keys };
}

describe('the console over HTTP in a terminal', () => {
  it('shows what serve holds, approves as the token, refuses a viewer, and survives the server restarting', { timeout: 120_000 }, async () => {
    const token: Record<string, string> = {};
    for (const [name, role] of [['ci', 'requester'], ['alice', 'approver'], ['watcher', 'viewer']] as const) {
      const r = await run(['token', 'create', name, '--role', role, '--db', db, '--json']);
      expect(r.code, r.stderr).toBe(0);
      token[name] = (JSON.parse(r.stdout) as { token: string }).token;
    }
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const serveArgs = ['serve', '--listen', `127.0.0.1:${port}`, '--db', db, '--catalog', 'fixtures/catalog.yaml', '--config', 'examples/fast-canary.yaml'];
    let server = await startUntil(serveArgs, 'listening on');
    children.push(server.child);
    for (const id of ['m1', 'm2']) {
      const g = await withToken(token.ci!, ['gate', '--server', url, '--id', id, '--service', 'payments-api', '--version', '2.0.0', '--lines', '40', '--migration', '--no-wait']);
      expect(g.code, g.stderr).toBe(0);
    }

    // --as is refused over HTTP: the token's name is the actor.
    const as = await withToken(token.alice!, ['console', '--server', url, '--as', 'bob']);
    expect(as.code).toBe(2);
    expect(as.stderr).toContain('--as is refused with --server');

    const alice = terminal(token.alice!, url);
    await waitFor(() => alice.screen().includes('m1') && alice.screen().includes('engine ok alive') && alice.screen().includes('(stream connected)'), { shows: alice.shows });
    expect(alice.screen()).toContain('2 awaiting');
    await alice.keys('/', 'm', '1', '\r', 'g', 'a');
    await waitFor(() => alice.screen().includes('Approve m1?'), { shows: alice.shows });
    if (alice.screen().slice(alice.screen().lastIndexOf('Approve m1?')).includes('[ Cancel ]')) await alice.keys('\u001b[C');
    await alice.keys('\r');
    await waitFor(() => alice.screen().includes('approved m1 (payments-api 2.0.0) as alice'), { shows: alice.shows });
    const read = async (path: string) => (await (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token.watcher!}` } })).json()) as Record<string, unknown>;
    const approved = ((await read('/v1/audit?deployment=m1')).entries as Array<{ event: string; actor: unknown }>).find((e) => e.event === 'approved');
    expect(approved?.actor).toEqual({ kind: 'human', id: 'alice' });

    const viewer = terminal(token.watcher!, url);
    await waitFor(() => viewer.screen().includes('m2') && viewer.screen().includes('(stream connected)'), { shows: viewer.shows });
    await viewer.keys('/', 'm', '2', '\r', 'g', 'a');
    // Refused on the spot by the token's role: no dialog, nothing sent.
    await waitFor(() => viewer.screen().includes('role viewer) may not approve'), { shows: viewer.shows });
    expect(viewer.screen()).not.toContain('Approve m2?');
    expect((await read('/v1/deployments/m2')).state).toBe('awaiting_approval');
    await viewer.keys('q');
    expect(await exited(viewer.tui)).toBe(0);

    // The server dies: the console says so instead of a frozen screen; it comes back and the console follows.
    server.child.kill('SIGKILL');
    await exited(server.child);
    await waitFor(() => alice.screen().includes('engine GONE'), { shows: alice.shows });
    expect(alice.screen().slice(alice.screen().lastIndexOf('engine GONE'))).toContain('server unreachable');
    server = await startUntil(serveArgs, 'listening on');
    children.push(server.child);
    const back = (): string => alice.screen().slice(alice.screen().lastIndexOf('engine GONE'));
    await waitFor(() => back().includes('engine ok alive') && back().includes('(stream connected)'), { shows: alice.shows });
    // A console opened now still shows m1, finished before the restart (its engine holds only m2 in memory).
    const later = terminal(token.watcher!, url);
    await waitFor(() => later.screen().includes('Deployments 2') && later.screen().includes('promoted'), { shows: later.shows });
    await later.keys('q');
    expect(await exited(later.tui)).toBe(0);
    // Written after the restart, shown from the resumed stream (the filter on m1 is cleared first).
    await alice.keys('\u001b');
    const g = await withToken(token.ci!, ['gate', '--server', url, '--id', 'm3', '--service', 'notifications', '--version', '1.0.1', '--lines', '10', '--no-wait']);
    expect(g.code, g.stderr).toBe(0);
    await waitFor(() => back().includes('m3'), { shows: alice.shows });
    await alice.keys('q');
    expect(await exited(alice.tui)).toBe(0);
    server.child.kill('SIGTERM');
    expect(await exited(server.child)).toBe(0);
  });
});
