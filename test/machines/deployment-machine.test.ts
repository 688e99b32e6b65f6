// Every path through the lifecycle, enumerated with @xstate/graph on a two-stage plan.
import { describe, expect, it } from 'vitest';
import { getShortestPaths } from '@xstate/graph';
import { createActor, fromCallback } from 'xstate';
import { deploymentMachine } from '../../source/machines/deployment-machine.js';
import type { DeploymentEvent, DeploymentInput } from '../../source/machines/deployment-machine.js';
import type { Action } from '../../source/domain/autonomy.js';

const settings: DeploymentInput['settings'] = {
  bakeMs: 60_000,
  sampleIntervalMs: 30_000,
  slo: { errorRate: 0.01, p50Ms: 100, p99Ms: 500, successRate: 0.99 },
  limits: { failureLimit: 0, consecutiveErrorLimit: 1, minSamples: 2 },
};
const input = (action: Action): DeploymentInput => ({ deploymentId: 'd', serviceId: 's', action, plan: [10, 100], now: 0, approvalExpiresAt: 1_000_000, settings });
const good = { at: 0, errorRate: 0.001, p50Ms: 10, p99Ms: 50, successRate: 1 };
const events: DeploymentEvent[] = [
  { type: 'TICK', now: 2_000_000 },
  { type: 'APPROVE', by: 'h' },
  { type: 'REJECT', by: 'h', reason: 'no' },
  { type: 'PAUSE', by: 'h' },
  { type: 'RESUME', by: 'h' },
  { type: 'PROMOTE', by: 'h' },
  { type: 'ABORT', by: 'h', reason: 'stop' },
  { type: 'SHIFTED' },
  { type: 'SAMPLED', samples: [good] },
  { type: 'SAMPLED', samples: [{ ...good, errorRate: 0.2 }] },
  { type: 'SAMPLED', samples: [{ at: 0 }] },
  { type: 'SAMPLED', samples: [{ at: 0, providerError: 'down' }] },
  { type: 'ROLLED_BACK' },
];
// The pure graph does not run invoked actors: their answers are among the events above.
const inert = deploymentMachine.provide({
  actors: { shiftTraffic: fromCallback(() => undefined), sampler: fromCallback(() => undefined), rollback: fromCallback(() => undefined) },
});

function reachable(action: Action): Set<string> {
  const paths = getShortestPaths(inert, {
    input: input(action),
    events,
    serializeState: (s) => `${JSON.stringify(s.value)}|${s.context.stage}|${s.context.samples.length}|${s.context.now > 0}`,
  });
  return new Set(paths.map((p) => JSON.stringify(p.state.value)));
}

describe('deployment machine paths', () => {
  it('from proceed: every canary state, promotion and rollback are reachable', () => {
    const states = reachable('proceed');
    for (const s of ['{"canary":"shifting"}', '{"canary":"baking"}', '{"canary":"sampling"}', '{"canary":"paused"}', '"rolling_back"', '"rolled_back"', '"promoted"']) expect(states).toContain(s);
    expect(states).not.toContain('"awaiting_approval"');
  });
  it('from await_approval: approved, rejected and expired', () => {
    const states = reachable('await_approval');
    for (const s of ['"awaiting_approval"', '"rejected"', '"expired"', '"promoted"', '"rolled_back"']) expect(states).toContain(s);
  });
  it('from blocked: nothing else', () => {
    expect([...reachable('blocked')]).toEqual(['"blocked"']);
  });
  it('no path reaches traffic from awaiting approval without APPROVE', () => {
    const paths = getShortestPaths(inert, { input: input('await_approval'), events, serializeState: (s) => `${JSON.stringify(s.value)}|${s.context.stage}|${s.context.samples.length}` });
    for (const p of paths) {
      const types = p.steps.map((step) => step.event.type);
      if (JSON.stringify(p.state.value).includes('canary') || p.state.value === 'promoted') expect(types).toContain('APPROVE');
    }
  });
  it('a defect at each stage is caught there, with metric, value, threshold and stage', () => {
    for (const [stage, percent] of [[0, 10], [1, 100]] as const) {
      const actor = createActor(inert, { input: input('proceed') }).start();
      actor.send({ type: 'SHIFTED' });
      for (let s = 0; s < stage; s++) {
        actor.send({ type: 'TICK', now: (s * 2 + 1) * 30_000 });
        actor.send({ type: 'SAMPLED', samples: [good] });
        actor.send({ type: 'TICK', now: (s * 2 + 2) * 30_000 });
        actor.send({ type: 'SAMPLED', samples: [good] });
        actor.send({ type: 'SHIFTED' });
      }
      actor.send({ type: 'TICK', now: 10_000_000 });
      actor.send({ type: 'SAMPLED', samples: [{ ...good, errorRate: 0.023 }] });
      const snap = actor.getSnapshot();
      expect(snap.value).toBe('rolling_back');
      expect(snap.context.reason).toBe(`error_rate 2.3% > 1.0% at ${percent}%`);
    }
  });
});
