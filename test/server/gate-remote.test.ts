// `gate --server` in process against a served engine: the local gate's output and exit codes, a Ctrl-C that
// withdraws (exit 15), a --wait that runs out (exit 4), a refused request (exit 2) and a bad token (exit 2).
import { EventEmitter } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { gateCommand } from '../../source/commands/gate.js';
import type { GateFlags } from '../../source/commands/gate.js';
import { servedEngine } from './harness.js';

const s = await servedEngine('gate-remote');
// The served engine runs on a virtual clock: move it on while gates wait.
const ticker = setInterval(() => s.runUntil(s.clock.now() + 10_000), 10);
afterAll(() => clearInterval(ticker));

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } };
}

const flags = (over: Partial<GateFlags>): GateFlags => ({ server: s.base, migration: false, configChange: false, hotfix: false, noWait: false, json: false, version: '1.0.0', lines: 10, files: 1, ...over });

describe('gate --server', () => {
  it('a LOW request: decision, states, stage verdicts and the outcome, exit 0, requested by the token', async () => {
    process.env.GENOPS_TOKEN = s.secrets.requester.valid;
    const o = io();
    const code = await gateCommand(flags({ service: 'low-svc', id: 'r1', wait: '20s' }), o.io, new EventEmitter());
    expect(code).toBe(0);
    expect(o.err[0]).toBe('submitted r1 (low-svc 1.0.0)');
    expect(o.err[1]).toMatch(/^decision: proceed \(LOW 0\.\d\d\), plan /);
    expect(o.err.some((l) => /^state: canary \d+%$/.test(l))).toBe(true);
    expect(o.out.at(-1)).toBe('r1: succeeded');
    expect(o.out.filter((l) => /^ {2}\d+%: Pass · /.test(l)).length).toBeGreaterThanOrEqual(5);
    expect(s.engine.get('r1')?.request.requestedBy).toBe('requester');
  });

  it('--json: the same report as the local gate', async () => {
    const o = io();
    const code = await gateCommand(flags({ service: 'low-svc', id: 'r2', wait: '20s', json: true }), o.io, new EventEmitter());
    expect(code).toBe(0);
    expect(JSON.parse(o.out.join('\n'))).toMatchObject({ id: 'r2', outcome: 'succeeded', exitCode: 0, reason: null, level: 'LOW', stages: expect.any(Array) });
  });

  it('Ctrl-C while waiting for approval withdraws the request (exit 15), audited as the token', async () => {
    const signals = new EventEmitter();
    const o = io();
    const pending = gateCommand(flags({ service: 'crit-svc', id: 'r3', wait: '20s' }), o.io, signals);
    // Once the gate says it waits (its signal handlers are in place by then).
    for (let i = 0; i < 200 && !o.err.includes('state: awaiting_approval'); i++) await new Promise((r) => setTimeout(r, 10));
    signals.emit('SIGINT');
    expect(await pending).toBe(15);
    expect(o.err.at(-1)).toBe('cancelled: withdrew r3 (any traffic goes back to the stable version)');
    expect(s.engine.audit.forDeployment('r3').find((e) => e.event === 'withdrawn')?.actor).toEqual({ kind: 'human', id: 'requester' });
  });

  it('--wait runs out: withdrawn, exit 4; a duplicate id: exit 2; a bad token: exit 2, nothing sent', async () => {
    const o = io();
    expect(await gateCommand(flags({ service: 'crit-svc', id: 'r4', wait: '300ms' }), o.io, new EventEmitter())).toBe(4);
    expect(o.err.at(-1)).toBe('no outcome within 300ms: withdrew r4 (any traffic goes back to the stable version)');
    const dup = io();
    expect(await gateCommand(flags({ service: 'low-svc', id: 'r1' }), dup.io, new EventEmitter())).toBe(2);
    expect(dup.err.at(-1)).toBe('error: the engine refused r1: deployment "r1" already exists');
    process.env.GENOPS_TOKEN = s.secrets.requester.revoked;
    const bad = io();
    expect(await gateCommand(flags({ service: 'low-svc', id: 'r5' }), bad.io, new EventEmitter())).toBe(2);
    expect(bad.err.at(-1)).toBe('error: the server refused the token: the token was revoked');
    expect(s.engine.get('r5')).toBeUndefined();
    delete process.env.GENOPS_TOKEN;
  });

  it('--json: a gate that gives up prints one object too (exit 4, withdrawn)', async () => {
    process.env.GENOPS_TOKEN = s.secrets.admin.valid;
    const o = io();
    expect(await gateCommand(flags({ service: 'crit-svc', id: 'r7', wait: '300ms', json: true }), o.io, new EventEmitter())).toBe(4);
    expect(JSON.parse(o.out.join('\n'))).toEqual({ id: 'r7', outcome: 'withdrawn', exitCode: 4, reason: 'no outcome within 300ms' });
    delete process.env.GENOPS_TOKEN;
  });

  it('a token revoked while the gate waits: one clear line and exit 2, not a stack', async () => {
    const { secret } = s.tokens.create('ci-revoked-later', 'requester', null, 'test', s.clock.now());
    process.env.GENOPS_TOKEN = secret;
    const o = io();
    const pending = gateCommand(flags({ service: 'crit-svc', id: 'r8', wait: '20s' }), o.io, new EventEmitter());
    for (let i = 0; i < 200 && !o.err.includes('state: awaiting_approval'); i++) await new Promise((r) => setTimeout(r, 10));
    s.tokens.revoke('ci-revoked-later', s.clock.now());
    // The next event the gate hears makes it read the deployment, as the revoked token.
    expect((await s.call('POST', '/v1/deployments/r8/reject', s.secrets.approver.valid, { reason: 'wake the gate' })).status).toBe(200);
    expect(await pending).toBe(2);
    expect(o.err.at(-1)).toMatch(/^error: the server refused the gate's wait \(the token was revoked\); with no keep-alives the engine withdraws r8 within 10 s$/);
    delete process.env.GENOPS_TOKEN;
  });

  it('a token revoked while the gate waits quietly: exit 2 and, with --json, one object', async () => {
    const { secret } = s.tokens.create('ci-revoked-quietly', 'requester', null, 'test', s.clock.now());
    process.env.GENOPS_TOKEN = secret;
    const o = io();
    const pending = gateCommand(flags({ service: 'crit-svc', id: 'r9', wait: '9s', json: true }), o.io, new EventEmitter());
    for (let i = 0; i < 200 && s.engine.get('r9')?.state !== 'awaiting_approval'; i++) await new Promise((r) => setTimeout(r, 10));
    s.tokens.revoke('ci-revoked-quietly', s.clock.now());
    expect(await pending).toBe(2);
    expect(JSON.parse(o.out.join('\n'))).toMatchObject({ id: 'r9', outcome: null, exitCode: 2, reason: 'the token was revoked' });
    delete process.env.GENOPS_TOKEN;
  });

  it('--json prints one object also when the token is refused or the server never answers (exit 2, exit 3)', async () => {
    process.env.GENOPS_TOKEN = s.secrets.requester.revoked;
    const bad = io();
    expect(await gateCommand(flags({ service: 'low-svc', id: 'r10', json: true }), bad.io, new EventEmitter())).toBe(2);
    expect(JSON.parse(bad.out.join('\n'))).toEqual({ id: 'r10', outcome: null, exitCode: 2, reason: 'the server refused the token: the token was revoked' });
    process.env.GENOPS_TOKEN = s.secrets.requester.valid;
    const gone = io();
    // Nothing listens there; --wait bounds how long the gate rides out what could be a restart.
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    expect(await gateCommand(flags({ server: `http://127.0.0.1:${closed}`, service: 'low-svc', id: 'r11', json: true, wait: '1s' }), gone.io, new EventEmitter())).toBe(3);
    expect(JSON.parse(gone.out.join('\n'))).toMatchObject({ id: 'r11', outcome: null, exitCode: 3, reason: expect.stringMatching(/^no engine answered at the server: .*ECONNREFUSED/) });
    delete process.env.GENOPS_TOKEN;
  });
});
