// The live loop works in slices: a pass with a time budget takes new requests, then wakes due deployments,
// until the budget is spent, and leaves the rest to the next pass, so that the server's event loop (its
// requests, its event streams) is never held for a whole burst. Nothing is skipped or done twice, and a
// deployment left over is first in line next time.
import { describe, expect, it } from 'vitest';
import { SimulatedMetricSource } from '../../source/metrics/simulated-source.js';
import { config, request, service } from '../helpers/builders.js';
import { harness, T0 } from '../helpers/engine-harness.js';
import { tempDir } from '../helpers/temp-db.js';
import { LiveRunner } from '../../source/engine/live-runner.js';
import { Lease } from '../../source/store/lease.js';
import { Submissions } from '../../source/store/submissions.js';

const dir = tempDir();
let n = 0;

function setup() {
  const h = harness(dir, `s${n++}.db`, [service({ id: 'svc', tier: 'low' })], config(), new SimulatedMetricSource({ seed: 5, defects: new Map(), providerErrorRate: 0, gapRate: 0 }));
  const submissions = new Submissions(h.db);
  const lease = new Lease(h.db, 'engine', 'test');
  expect(lease.acquire(h.clock.now())).toBe(true);
  const runner = new LiveRunner({ engine: h.engine, submissions, lease, clock: h.clock, pollMs: 1_000, log: () => undefined });
  /** One pass as the loop runs it, with a budget; stopped at once so no timer is left behind. */
  const pass = (budgetMs: number): void => {
    runner.step(budgetMs);
    runner.stop(false);
  };
  return { ...h, submissions, runner, pass };
}

describe('a sliced pass', () => {
  it('takes at least one request per pass and leaves the rest queued for the next; an unbounded pass takes all', () => {
    const h = setup();
    for (let i = 1; i <= 4; i++) h.submissions.submit(request({ id: `req-${i}` }), h.clock.now(), null);
    const accepted = (): string[] => [1, 2, 3, 4].filter((i) => h.submissions.status(`req-${i}`)?.status === 'accepted').map((i) => `req-${i}`);
    h.pass(0); // spent as soon as it starts: one request, then the next pass
    expect(accepted()).toEqual(['req-1']);
    h.pass(0);
    expect(accepted()).toEqual(['req-1', 'req-2']);
    h.runner.step(); // no budget: a caller driving the engine by hand gets everything done
    h.runner.stop(false);
    expect(accepted()).toEqual(['req-1', 'req-2', 'req-3', 'req-4']);
    expect(h.engine.audit.verify().ok).toBe(true);
  });

  it('wakes the longest-overdue deployments first, so a slice never starves those after them', () => {
    const h = setup();
    // Submitted a second apart, then req-1 woken once more: first in the engine's map, last in line.
    for (let i = 1; i <= 3; i++) {
      h.runUntil(T0 + i * 1_000);
      h.engine.submit(request({ id: `req-${i}`, requestedAt: new Date(h.clock.now()).toISOString() }));
    }
    const wake = (id: string): number => h.engine.wakeAt(id)!;
    h.runUntil(wake('req-1'));
    const base = Math.max(wake('req-1'), wake('req-2'), wake('req-3'));
    h.clock.set(base + 60_000);
    const before = { 'req-1': wake('req-1'), 'req-2': wake('req-2'), 'req-3': wake('req-3') };
    const order = Object.entries(before).sort((a, b) => a[1] - b[1]).map(([id]) => id);
    expect(new Set(Object.values(before)).size).toBe(3);
    expect(order).not.toEqual(['req-1', 'req-2', 'req-3']);
    const woken: string[] = [];
    for (let slice = 0; slice < 3; slice++) {
      const more = h.engine.tick(() => true); // each slice spent after one deployment
      const now = { 'req-1': wake('req-1'), 'req-2': wake('req-2'), 'req-3': wake('req-3') };
      for (const id of ['req-1', 'req-2', 'req-3'] as const) if (now[id] !== before[id] && !woken.includes(id)) woken.push(id);
      expect(more).toBe(slice < 2);
      expect(woken).toHaveLength(slice + 1);
    }
    expect(woken).toEqual(order);
    expect(h.engine.audit.verify().ok).toBe(true);
  });
});
