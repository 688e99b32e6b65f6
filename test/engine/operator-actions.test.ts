// The engine's one table of operator actions: what each view says is allowed is exactly what the engine then
// accepts, in every state a deployment passes through, and refusals say why.
import { describe, expect, it } from 'vitest';
import { ACTION_NAMES } from '../../source/engine/operator-actions.js';
import type { OperatorAction } from '../../source/engine/operator-actions.js';
import { ActionRefused } from '../../source/engine/engine.js';
import { SimulatedMetricSource } from '../../source/metrics/simulated-source.js';
import { config, request, service } from '../helpers/builders.js';
import { harness, T0 } from '../helpers/engine-harness.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
let n = 0;
const metrics = () => new SimulatedMetricSource({ seed: 3, defects: new Map(), providerErrorRate: 0, gapRate: 0 });

describe('operator actions', () => {
  it('view.actions agrees with what the engine accepts, state by state, and names why the rest is refused', () => {
    const seen = new Set<string>();
    // Walk one deployment per (state reached, action tried): try every action in every state on its own copy.
    const reach: Array<[string, (h: ReturnType<typeof harness>) => void]> = [
      ['awaiting_approval', (h) => h.engine.submit(request({ id: 'd', requestedBy: 'ci' }, { dbMigration: true }))],
      ['canary', (h) => h.engine.submit(request({ id: 'd' }))],
      ['paused', (h) => {
        h.engine.submit(request({ id: 'd' }));
        h.engine.pause('d', 'op');
      }],
      ['promoted', (h) => {
        h.engine.submit(request({ id: 'd' }));
        h.runUntil(T0 + 6 * 3_600_000);
      }],
    ];
    for (const [state, to] of reach) {
      for (const action of ACTION_NAMES) {
        const h = harness(dir, `a${n++}.db`, [service({ id: 'svc', tier: 'low' })], config(), metrics());
        to(h);
        const view = h.engine.get('d')!;
        expect(view.state).toBe(state);
        const said = view.actions[action];
        seen.add(`${state}:${action}:${said.allowed}`);
        const attempt = (): unknown => h.engine.act(action as OperatorAction, 'd', 'alice', 'a reason');
        if (said.allowed) expect(attempt).not.toThrow();
        else {
          expect(said.why).toMatch(new RegExp(`is ${state.replace('_', ' ')}: cannot`));
          expect(attempt).toThrow(ActionRefused);
        }
        h.db.close();
      }
    }
    expect([...seen].filter((s) => s.endsWith(':true')).sort()).toEqual([
      'awaiting_approval:approve:true', 'awaiting_approval:reject:true', 'awaiting_approval:withdraw:true',
      'canary:abort:true', 'canary:pause:true', 'canary:promote:true', 'canary:withdraw:true', // baking: an operator may promote early
      'paused:abort:true', 'paused:promote:true', 'paused:resume:true', 'paused:withdraw:true',
    ]);
  });
});
