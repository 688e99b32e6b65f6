// `view.actions` for views a test builds by hand, read off the real machine in that state (so the console's
// tests see exactly what the engine would allow).
import type { DeploymentContext } from '../../source/machines/deployment-machine.js';
import { deploymentMachine } from '../../source/machines/deployment-machine.js';
import type { DeploymentView, LifecycleState } from '../../source/engine/deployment-view.js';
import { actionsOf } from '../../source/engine/operator-actions.js';
import { stateText } from '../../source/engine/snapshot-facts.js';

export function actionsFor(state: LifecycleState, id: string, plan: number[] = [1, 5, 100], stage = 0): DeploymentView['actions'] {
  const value = state === 'canary' ? { canary: 'baking' } : state === 'paused' ? { canary: 'paused' } : state;
  const context = { deploymentId: id, plan, stage, samples: [], now: 0, approvalExpiresAt: Infinity } as unknown as DeploymentContext; // the fields guards read
  return actionsOf(deploymentMachine.resolveState({ value, context }), id, stateText(state, null));
}
