// Finished deployments' views the engine keeps in memory: all of them by default (the simulator, its report
// and the console read them), or only the most recent when bounded (a long-running server), older ones then
// read back from the store when asked for.
import type { DeploymentView } from './deployment-view.js';

export class FinishedViews {
  private readonly views = new Map<string, DeploymentView>();
  private limit = Infinity;
  private loader: (id: string) => DeploymentView | undefined = () => undefined;

  /** `pinned`: views that must stay whatever the bound (the open transaction touched them; a rollback may need them). */
  constructor(private readonly pinned: (id: string) => boolean) {}

  /** Keeps at most `n` in memory, the oldest to finish leaving first; `load` reads the others from the store. */
  bound(n: number, load: (id: string) => DeploymentView | undefined): void {
    this.limit = n;
    this.loader = load;
    this.trim();
  }

  add(id: string, view: DeploymentView): void {
    this.views.set(id, view);
    if (this.views.size > this.limit) this.trim();
  }

  delete(id: string): void {
    this.views.delete(id);
  }

  /** In memory now. */
  has(id: string): boolean {
    return this.views.has(id);
  }

  /** From memory only. */
  get(id: string): DeploymentView | undefined {
    return this.views.get(id);
  }

  /** From the store (a view no longer in memory). */
  load(id: string): DeploymentView | undefined {
    return this.loader(id);
  }

  values(): IterableIterator<DeploymentView> {
    return this.views.values();
  }

  private trim(): void {
    for (const id of this.views.keys()) {
      if (this.views.size <= this.limit) return;
      if (!this.pinned(id)) this.views.delete(id);
    }
  }
}
