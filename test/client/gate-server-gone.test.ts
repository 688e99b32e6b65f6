// A gate whose deployment finished, the server going away right after: the outcome it was told is its exit
// code and its report (without the stage details), not a stack trace and exit 1. A fault where the gate has
// no outcome to give is one line and exit 3, with --json one object.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { runGate } from '../../source/client/gate-run.js';
import type { DeploymentStatus, EngineClient } from '../../source/client/engine-client.js';
import { Unreachable } from '../../source/client/http-client.js';
import { request } from '../helpers/builders.js';

const status = (over: Partial<DeploymentStatus>): DeploymentStatus => ({ id: 'req-1', serviceId: 'svc', version: '1.0.0', requestedBy: 'ci', state: 'canary', percent: 5, outcome: null, reason: '', decidedBy: null, assessment: undefined, ...over });

function client(over: Partial<EngineClient>): EngineClient {
  const gone = (): never => {
    throw new Unreachable('http://127.0.0.1:1: fetch failed: connect ECONNREFUSED');
  };
  return { transport: 'http', identity: async () => 'ci', submit: gone, status: gone, awaitOutcome: gone, act: gone, audit: gone, close: () => undefined, ...over };
}

function run(c: EngineClient, json: boolean) {
  const out: string[] = [];
  const err: string[] = [];
  const done = runGate({ client: c, request: request(), flags: { json, noWait: false, wait: '1m' }, start: Date.now(), waitMs: 60_000, io: { out: (t) => out.push(t), err: (t) => err.push(t) }, signals: new EventEmitter() });
  return { done, out, err };
}

describe('gate, the server gone', () => {
  it('after the outcome: the outcome is the exit code, the report says the stage details are missing', async () => {
    const c = client({
      submit: async () => ({ result: 'accepted', status: status({}) }),
      awaitOutcome: async () => ({ result: 'finished', status: status({ state: 'rolled_back', outcome: 'rolled_back', percent: null, reason: 'errorRate 5.0% > 1.0% at 25%' }) }),
    });
    const r = run(c, false);
    expect(await r.done).toBe(13);
    expect(r.err.some((l) => l.startsWith('note: the server stopped answering after the outcome'))).toBe(true);
    expect([...r.out, ...r.err].join('\n')).toContain('errorRate 5.0% > 1.0% at 25%');
    const j = run(c, true);
    expect(await j.done).toBe(13);
    expect(JSON.parse(j.out.join('\n'))).toMatchObject({ id: 'req-1', outcome: 'rolled_back', exitCode: 13 });
  });

  it('while it has no outcome to give: one line, exit 3, and with --json one object', async () => {
    const c = client({ submit: async () => ({ result: 'accepted', status: status({}) }) });
    const j = run(c, true);
    expect(await j.done).toBe(3);
    expect(JSON.parse(j.out.join('\n'))).toEqual({ id: 'req-1', outcome: null, exitCode: 3, reason: 'the server stopped answering: http://127.0.0.1:1: fetch failed: connect ECONNREFUSED' });
    expect(j.err.at(-1)).toBe("error: the server stopped answering (http://127.0.0.1:1: fetch failed: connect ECONNREFUSED); req-1's outcome is unknown to this gate");
  });
});
