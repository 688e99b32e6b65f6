// A console over HTTP acts as its token: an action the token's role may not take is refused on the spot,
// with why, instead of opening a dialog whose answer can only be the server's 403. The server still checks
// every call; this only keeps the keys honest about what will happen.
import type { DeploymentView } from '../engine/deployment-view.js';
import { ACTION_NAMES, OPERATOR_ACTIONS } from '../engine/operator-actions.js';
import { sameIdentity } from '../domain/identity.js';
import { ACTION_PERMISSION } from '../server/roles.js';

export interface TokenIdentity {
  name: string;
  role: string;
  permissions: readonly string[];
}

/** The deployment's actions as the engine allows them, narrowed to what this token may do. */
export function actionsForToken(view: DeploymentView, me: TokenIdentity): DeploymentView['actions'] {
  const out = { ...view.actions };
  for (const action of ACTION_NAMES) {
    if (!out[action].allowed) continue;
    const verb = OPERATOR_ACTIONS[action].verb;
    if (!me.permissions.includes(ACTION_PERMISSION[action])) out[action] = { allowed: false, why: `this token ("${me.name}", role ${me.role}) may not ${verb}` };
    else if (action === 'withdraw' && !sameIdentity(view.request.requestedBy, me.name)) out[action] = { allowed: false, why: `only its requester (${view.request.requestedBy}) may withdraw ${view.id}` };
  }
  return out;
}
