// Every path through the lifecycle, enumerated with @xstate/graph on a two-stage plan.
import { describe, expect, it } from 'vitest';
import { getShortestPaths } from '@xstate/graph';
import { createActor, fromCallback } from 'xstate';
import { deploymentMachine } from '../../source/machines/deployment-machine.js';
import type { DeploymentContext, DeploymentEvent, DeploymentInput, SampledEvent } from '../../source/machines/deployment-machine.js';
import type { MetricSample } from '../../source/domain/slo.js';
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
  { type: 'ROLLED_BACK' },
];
/** Samples as the engine delivers them: for the stage in progress, from its next sample on. */
const sampled = (c: { stage: number; samples: unknown[]; now: number }, sample: MetricSample): SampledEvent => ({
  type: 'SAMPLED',
  now: c.now + 30_000,
  stage: c.stage,
  fromIndex: c.samples.length,
  samples: [{ ...sample, at: c.now + 30_000 }],
});
const eventsIn = (s: { context: DeploymentContext }): DeploymentEvent[] => [
  ...events,
  ...[good, { ...good, errorRate: 0.2 }, { at: 0 }, { at: 0, providerError: 'down' }].map((sample) => sampled(s.context, sample)),
];
// The pure graph does not run invoked actors: their answers are among the events above.
const inert = deploymentMachine.provide({
  actors: { shiftTraffic: fromCallback(() => undefined), rollback: fromCallback(() => undefined) },
});

function reachable(action: Action): Set<string> {
  const paths = getShortestPaths(inert, {
    input: input(action),
    events: eventsIn,
    serializeState: (s) => `${JSON.stringify(s.value)}|${s.context.stage}|${s.context.samples.length}|${s.context.now > 0}`,
  });
  return new Set(paths.map((p) => JSON.stringify(p.state.value)));
}

describe('deployment machine paths', () => {
  it('from proceed: every canary state, promotion and rollback are reachable', () => {
    const states = reachable('proceed');
    for (const s of ['{"canary":"shifting"}', '{"canary":"baking"}', '{"canary":"paused"}', '"rolling_back"', '"rolled_back"', '"promoted"']) expect(states).toContain(s);
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
    const paths = getShortestPaths(inert, { input: input('await_approval'), events: eventsIn, serializeState: (s) => `${JSON.stringify(s.value)}|${s.context.stage}|${s.context.samples.length}` });
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
        actor.send(sampled(actor.getSnapshot().context, good));
        actor.send(sampled(actor.getSnapshot().context, good));
        actor.send({ type: 'SHIFTED' });
      }
      actor.send(sampled(actor.getSnapshot().context, { ...good, errorRate: 0.023 }));
      const snap = actor.getSnapshot();
      expect(snap.value).toBe('rolling_back');
      expect(snap.context.reason).toBe(`error_rate 2.3% > 1.0% at ${percent}%`);
    }
  });
  it('samples meant for an earlier stage or sample are dropped, and a stage judges only what it takes', () => {
    const actor = createActor(inert, { input: input('proceed') }).start();
    actor.send({ type: 'SHIFTED' });
    const first = sampled(actor.getSnapshot().context, good);
    actor.send(first);
    actor.send(first); // the same answer again: its fromIndex is stale now
    expect(actor.getSnapshot().context.samples).toHaveLength(1);
    actor.send({ ...sampled(actor.getSnapshot().context, good), stage: 1 });
    expect(actor.getSnapshot().context.samples).toHaveLength(1);
    // A caught-up batch: the failing sample ends the stage; what came after it is not taken.
    const c = actor.getSnapshot().context;
    actor.send({ type: 'SAMPLED', now: 200_000, stage: 0, fromIndex: 1, samples: [{ ...good, at: 60_000, errorRate: 0.5 }, { ...good, at: 90_000 }] });
    expect(actor.getSnapshot().value).toBe('rolling_back');
    expect(actor.getSnapshot().context.samples).toHaveLength(c.samples.length + 1);
  });
});
