// Filtering, sorting and windowing the deployment table: pure, so 10,000 rows cost a sort, not a render.
import type { DeploymentView } from '../engine/deployment-view.js';
import type { SortKey } from './ui-state.js';

const IN_FLIGHT: Record<string, number> = { rollback_failed: 0, awaiting_approval: 1, paused: 2, rolling_back: 3, canary: 4 };

export function matchesFilter(d: DeploymentView, filter: string): boolean {
  if (!filter) return true;
  const f = filter.toLowerCase();
  const failed = d.outcome === 'rolled_back' || d.outcome === 'failed' || d.state === 'rollback_failed' ? 'failed' : '';
  // The words on screen as well as the internal names: "/rolled back" and "/rollback failed" find what they say.
  const words = d.state.replace(/_/g, ' ');
  return [d.id, d.request.serviceId, d.request.version, d.state, words, d.outcome ?? '', (d.outcome ?? '').replace(/_/g, ' '), d.assessment.level, failed].some((s) => s.toLowerCase().includes(f));
}

export function visibleDeployments(all: readonly DeploymentView[], filter: string, sort: SortKey): DeploymentView[] {
  const rows = all.filter((d) => matchesFilter(d, filter));
  const cmp: Record<SortKey, (a: DeploymentView, b: DeploymentView) => number> = {
    age: (a, b) => b.requestedAtMs - a.requestedAtMs || a.id.localeCompare(b.id),
    risk: (a, b) => b.assessment.score - a.assessment.score || a.id.localeCompare(b.id),
    service: (a, b) => a.request.serviceId.localeCompare(b.request.serviceId) || b.requestedAtMs - a.requestedAtMs || a.id.localeCompare(b.id),
    state: (a, b) => (IN_FLIGHT[a.state] ?? 9) - (IN_FLIGHT[b.state] ?? 9) || b.requestedAtMs - a.requestedAtMs || a.id.localeCompare(b.id),
  };
  return rows.sort(cmp[sort]);
}

/** The slice of rows to draw so the selected row stays in view. */
export function windowAround(count: number, selected: number, height: number): { start: number; end: number } {
  if (count <= height) return { start: 0, end: count };
  const start = Math.min(Math.max(0, selected - Math.floor(height / 2)), count - height);
  return { start, end: start + height };
}

export function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** A countdown: `3m12s`, `45s`, or `overdue`. */
export function countdown(ms: number): string {
  if (ms <= 0) return 'overdue';
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export { fit } from './text.js';
