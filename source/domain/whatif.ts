// `whatif`'s arithmetic, pure: recorded deployments decided under two configurations, and what changed —
// which would have been blocked, gated or auto-approved instead, which recorded failures a configuration would
// have caught (sent to a human or blocked where the other let them run alone) or let through, and the human
// approvals per week each asks for.
import type { Action, PlanName } from './autonomy.js';
import type { RiskLevel } from './risk.js';
import type { Outcome } from './schemas.js';
import { isFailure } from './evidence.js';

export interface DecisionSide {
  action: Action;
  plan: PlanName;
  level: RiskLevel;
  score: number;
  /** The first reason given (why it was gated or blocked, or that it may run alone). */
  reason: string;
}

export interface WhatifRow {
  id: string;
  serviceId: string;
  requestedAtMs: number;
  /** What happened in the recording; undefined when it never finished there. */
  outcome: Outcome | undefined;
  base: DecisionSide;
  next: DecisionSide;
}

export const ACTIONS: readonly Action[] = ['proceed', 'await_approval', 'blocked'];

export interface Transition {
  from: Action;
  to: Action;
  count: number;
  /** Of those, how many failed or rolled back in the recording. */
  failures: number;
}

export interface WhatifSummary {
  deployments: number;
  firstMs: number;
  lastMs: number;
  weeks: number;
  counts: { base: Record<Action, number>; next: Record<Action, number> };
  cautious: { base: number; next: number };
  /** Only the pairs that differ, most frequent first. */
  transitions: Transition[];
  levelChanges: number;
  planChanges: number;
  failures: {
    /** Recorded failures (failed or rolled back). */
    recorded: number;
    /** Auto-approved under the baseline; a human or a block under the new configuration. */
    caught: string[];
    /** Held (human or block) under the baseline; auto-approved under the new configuration. */
    letThrough: string[];
  };
  approvalsPerWeek: { base: number; next: number; extra: number };
  /** Rows whose action or plan differ, in request order. */
  moved: WhatifRow[];
  /** Per service with any change: how many moved, the extra human approvals, failures caught and let through; most moved first. */
  byService: Array<{ serviceId: string; moved: number; extraApprovals: number; caught: number; letThrough: number }>;
}

const WEEK_MS = 7 * 24 * 3_600_000;
const DAY_MS = 24 * 3_600_000;

const zero = (): Record<Action, number> => ({ proceed: 0, await_approval: 0, blocked: 0 });

export function summariseWhatif(rows: readonly WhatifRow[]): WhatifSummary {
  const counts = { base: zero(), next: zero() };
  const cautious = { base: 0, next: 0 };
  const pairs = new Map<string, Transition>();
  const caught: string[] = [];
  const letThrough: string[] = [];
  const moved: WhatifRow[] = [];
  let recorded = 0;
  let levelChanges = 0;
  let planChanges = 0;
  let firstMs = Infinity;
  let lastMs = -Infinity;
  for (const r of rows) {
    firstMs = Math.min(firstMs, r.requestedAtMs);
    lastMs = Math.max(lastMs, r.requestedAtMs);
    counts.base[r.base.action] += 1;
    counts.next[r.next.action] += 1;
    if (r.base.plan === 'cautious') cautious.base += 1;
    if (r.next.plan === 'cautious') cautious.next += 1;
    if (r.base.level !== r.next.level) levelChanges += 1;
    if (r.base.plan !== r.next.plan) planChanges += 1;
    const failed = r.outcome !== undefined && isFailure(r.outcome);
    if (failed) recorded += 1;
    if (r.base.action !== r.next.action) {
      const key = `${r.base.action}>${r.next.action}`;
      const t = pairs.get(key) ?? { from: r.base.action, to: r.next.action, count: 0, failures: 0 };
      t.count += 1;
      if (failed) t.failures += 1;
      pairs.set(key, t);
      if (failed && r.base.action === 'proceed') caught.push(r.id);
      if (failed && r.next.action === 'proceed') letThrough.push(r.id);
    }
    if (r.base.action !== r.next.action || r.base.plan !== r.next.plan) moved.push(r);
  }
  if (rows.length === 0) firstMs = lastMs = 0;
  const services = new Map<string, WhatifSummary['byService'][number]>();
  const caughtSet = new Set(caught);
  const letSet = new Set(letThrough);
  for (const r of moved) {
    const s = services.get(r.serviceId) ?? { serviceId: r.serviceId, moved: 0, extraApprovals: 0, caught: 0, letThrough: 0 };
    s.moved += 1;
    s.extraApprovals += (r.next.action === 'await_approval' ? 1 : 0) - (r.base.action === 'await_approval' ? 1 : 0);
    if (caughtSet.has(r.id)) s.caught += 1;
    if (letSet.has(r.id)) s.letThrough += 1;
    services.set(r.serviceId, s);
  }
  // At least a day, so that a burst of requests does not read as thousands per week.
  const weeks = Math.max(lastMs - firstMs, DAY_MS) / WEEK_MS;
  const perWeek = (n: number): number => n / weeks;
  return {
    deployments: rows.length,
    firstMs,
    lastMs,
    weeks,
    counts,
    cautious,
    transitions: [...pairs.values()].sort((a, b) => b.count - a.count || ACTIONS.indexOf(a.from) - ACTIONS.indexOf(b.from) || ACTIONS.indexOf(a.to) - ACTIONS.indexOf(b.to)),
    levelChanges,
    planChanges,
    failures: { recorded, caught, letThrough },
    approvalsPerWeek: { base: perWeek(counts.base.await_approval), next: perWeek(counts.next.await_approval), extra: perWeek(counts.next.await_approval - counts.base.await_approval) },
    moved,
    byService: [...services.values()].sort((a, b) => b.moved - a.moved || a.serviceId.localeCompare(b.serviceId)),
  };
}

export interface SettingChange {
  path: string;
  from: unknown;
  to: unknown;
}

/** Which settings differ between two configurations, as dotted paths (arrays compared whole). */
export function configChanges(a: unknown, b: unknown, path = ''): SettingChange[] {
  const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => configChanges(a[k], b[k], path ? `${path}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path: path || '(root)', from: a, to: b }];
}
