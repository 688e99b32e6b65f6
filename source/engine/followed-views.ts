// The deployments a console follows from another process's engine (over the shared database or over HTTP):
// one view object per deployment, kept across updates so the console's selection and rows stay put, and the
// listeners told what changed.
import type { DeploymentView } from './deployment-view.js';
import type { EngineEvent, EngineListener } from './engine.js';

/** Fields a view may have or not; an update without one clears it (a countdown that ended). */
const OPTIONAL = ['approvalExpiresAtMs', 'bakeUntilMs', 'rollback'] as const;

export class FollowedViews {
  private readonly views = new Map<string, DeploymentView>();
  private readonly listeners = new Set<EngineListener>();
  private list: DeploymentView[] | undefined;

  get all(): DeploymentView[] {
    this.list ??= [...this.views.values()];
    return this.list;
  }

  get(id: string): DeploymentView | undefined {
    return this.views.get(id);
  }

  has(id: string): boolean {
    return this.views.has(id);
  }

  /** The kept view for `view.id`, updated to `view` (or `view` itself, the first time). */
  upsert(view: DeploymentView): DeploymentView {
    const known = this.views.get(view.id);
    if (!known) {
      this.views.set(view.id, view);
      this.list = undefined;
      return view;
    }
    for (const optional of OPTIONAL) if (!(optional in view)) delete known[optional];
    return Object.assign(known, view);
  }

  on(listener: EngineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: EngineEvent): void {
    for (const l of this.listeners) l(event);
  }
}
