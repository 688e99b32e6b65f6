// Real processes over 127.0.0.1: `genops-tui serve`, tokens made by `genops-tui token`, 50 concurrent
// `gate --server` processes, approvals by approver tokens, and the server SIGKILLed and restarted while the
// gates wait. Every gate gets its answer; exit codes match outcomes; one decision each; the chain verifies.
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exited, run, startUntil } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
const db = join(dir, 'serve.db');
const children: Array<{ kill(s?: NodeJS.Signals): boolean }> = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

/** Runs the CLI with GENOPS_TOKEN set for that process only (spawn copies the environment at once). */
function withToken(token: string, args: string[], timeoutMs?: number): ReturnType<typeof run> {
  const before = process.env.GENOPS_TOKEN;
  process.env.GENOPS_TOKEN = token;
  try {
    return run(args, timeoutMs);
  } finally {
    if (before === undefined) delete process.env.GENOPS_TOKEN;
    else process.env.GENOPS_TOKEN = before;
  }
}

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

// i % 5: what each of the 50 gates asks for, and what happens to it.
const PLAN = [
  { service: 'notifications', extra: [], outcome: 'succeeded', code: 0 }, // LOW: runs alone
  { service: 'search', extra: [], outcome: 'blocked', code: 12 }, // error budget exhausted
  { service: 'payments-api', extra: ['--migration'], outcome: 'succeeded', code: 0 }, // approved
  { service: 'ledger', extra: ['--migration'], outcome: 'rejected', code: 10 }, // rejected
  { service: 'auth', extra: ['--migration'], outcome: 'succeeded', code: 0 }, // approved (a migration always needs review, whatever history says)
] as const;

describe('serve with real processes', () => {
  it('50 concurrent gates over HTTP, approvals by approver tokens, the server SIGKILLed and restarted while they wait', { timeout: 240_000 }, async () => {
    const token: Record<string, string> = {};
    for (const [name, role] of [['ci', 'requester'], ['alice', 'approver'], ['bob', 'approver'], ['watcher', 'viewer'], ['boss', 'admin']] as const) {
      const r = await run(['token', 'create', name, '--role', role, '--db', db, '--json']);
      expect(r.code, r.stderr).toBe(0);
      token[name] = (JSON.parse(r.stdout) as { token: string }).token;
    }
    expect((await run(['token', 'list', '--db', db])).stdout).not.toContain(token.ci!.slice(21));

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const serveArgs = ['serve', '--listen', `127.0.0.1:${port}`, '--db', db, '--catalog', 'fixtures/catalog.yaml', '--config', 'examples/fast-canary.yaml', '--rate-limit', '100000'];
    let server = await startUntil(serveArgs, 'listening on');
    children.push(server.child);

    const gates = Array.from({ length: 50 }, (_, i) => {
      const p = PLAN[i % 5]!;
      return withToken(token.ci!, ['gate', '--server', url, '--id', `g${i}`, '--service', p.service, '--version', '1.0.0', '--lines', '20', '--wait', '200s', '--json', ...p.extra], 230_000);
    });
    const get = async (path: string, as = token.watcher!): Promise<Record<string, unknown>> => (await (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${as}` } })).json()) as Record<string, unknown>;
    const waiting = Array.from({ length: 50 }, (_, i) => i).filter((i) => i % 5 >= 2);
    for (let start = Date.now(), n = 0; (n = (await get('/v1/deployments?state=awaiting_approval')).count as number) < waiting.length; ) {
      if (Date.now() - start > 90_000) throw new Error(`${n} of ${waiting.length} gated requests reached awaiting_approval: ${JSON.stringify(await get('/v1/deployments?limit=60'))}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    // The server dies while 30 gates wait for a human, and comes back on the same port.
    server.child.kill('SIGKILL');
    await exited(server.child);
    await new Promise((r) => setTimeout(r, 500));
    server = await startUntil(serveArgs, 'listening on');
    children.push(server.child);
    // The 30 gated ones, and any LOW canary that was mid-flight at the kill.
    expect(Number(/resumed (\d+) in-flight deployments/.exec(server.output())?.[1])).toBeGreaterThanOrEqual(30);

    // By the command line: an approval, a rejection, an approver trying to act as someone else, a viewer acting.
    expect((await withToken(token.alice!, ['approve', 'g2', '--server', url])).stdout).toContain('approve: g2 by alice');
    expect((await withToken(token.bob!, ['reject', 'g3', '--server', url, '--reason', 'not today'])).code).toBe(0);
    expect((await withToken(token.alice!, ['approve', 'g4', '--server', url, '--as', 'bob'])).code).toBe(2);
    const viewer = await withToken(token.watcher!, ['approve', 'g4', '--server', url]);
    expect(viewer.code).toBe(1);
    expect(viewer.stderr).toContain('role viewer may not decide');
    // An admin may approve, but never its own request.
    const own = await fetch(`${url}/v1/deployments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token.boss!}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'own1', serviceId: 'payments-api', version: '2.0.0', change: { linesChanged: 5, filesChanged: 1, dbMigration: true, configChange: false, hotfix: false, summary: 'mine' } }),
    });
    expect(own.status).toBe(201);
    const self = await withToken(token.boss!, ['approve', 'own1', '--server', url]);
    expect(self.code).toBe(1);
    expect(self.stderr).toContain('"boss" requested "own1" and cannot decide it');
    // The rest over HTTP, by the two approvers.
    for (const i of waiting.filter((n) => n >= 4)) {
      const action = i % 5 === 3 ? 'reject' : 'approve';
      const res = await fetch(`${url}/v1/deployments/g${i}/${action}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${i % 2 ? token.alice! : token.bob!}`, 'content-type': 'application/json' },
        body: JSON.stringify(action === 'reject' ? { reason: 'not today' } : {}),
      });
      expect(res.status).toBe(200);
    }

    const results = await Promise.all(gates);
    results.forEach((r, i) => {
      if (!r.stdout.trim().startsWith('{')) throw new Error(`gate g${i} exited ${String(r.code)} without a report:\n${r.stderr}`);
      const json = JSON.parse(r.stdout) as { id: string; outcome: string; exitCode: number };
      expect({ id: json.id, outcome: json.outcome, code: r.code }).toEqual({ id: `g${i}`, outcome: PLAN[i % 5]!.outcome, code: PLAN[i % 5]!.code });
      expect(json.exitCode).toBe(r.code);
    });

    const audit = (await get('/v1/audit?n=5000')).entries as Array<{ event: string; deploymentId: string | null; actor: { kind: string; id: string }; payload: Record<string, unknown> }>;
    for (let i = 0; i < 50; i++) {
      const mine = audit.filter((e) => e.deploymentId === `g${i}`);
      expect(mine.filter((e) => e.event === 'finished')).toHaveLength(1);
      const decisions = mine.filter((e) => e.actor.kind === 'human');
      expect(decisions).toHaveLength(i % 5 >= 2 ? 1 : 0);
      expect(mine.find((e) => e.event === 'received')?.payload.requestedBy).toBe('ci');
      if (decisions[0]) expect(['alice', 'bob']).toContain(decisions[0].actor.id);
    }
    const denied = audit.filter((e) => e.event === 'access_denied').map((e) => `${String(e.payload.token)}:${String(e.payload.why)}`);
    expect(denied).toEqual(['watcher:role', 'boss:own_request']);

    server.child.kill('SIGTERM');
    expect(await exited(server.child)).toBe(0);
    const verify = await run(['audit', 'verify', '--db', db]);
    expect(verify.code).toBe(0);
  });
});
