// `whatif`'s report: Markdown for people (terminals show it fine), JSON for scripts.
import { sanitize } from '../domain/sanitize.js';
import type { Action } from '../domain/autonomy.js';
import type { SettingChange, WhatifSummary } from '../domain/whatif.js';
import { ACTIONS } from '../domain/whatif.js';
import type { LearningSummary } from './whatif-learning.js';

const learned = (side: string, l: LearningSummary | undefined): string[] =>
  l ? [`LEARNING (${side}): the thresholds moved ${l.moves} time${l.moves === 1 ? '' : 's'} as outcomes came in, ending at medium ${l.thresholds.medium}, high ${l.thresholds.high}, critical ${l.thresholds.critical}.`] : [];

export interface WhatifReport {
  source: string;
  baseline: string;
  candidate: string;
  changes: SettingChange[];
  summary: WhatifSummary;
  skipped: string[];
  fidelity: { compared: number; same: number };
  /** Sides under LEARNING autonomy: their thresholds' moves, replayed as the engine makes them. */
  learning?: { base?: LearningSummary; next?: LearningSummary };
}

const NAME: Record<Action, string> = { proceed: 'auto-approved', await_approval: 'human approval', blocked: 'blocked' };
const signed = (n: number, digits = 0): string => `${n > 0 ? '+' : n < 0 ? '−' : '±'}${Math.abs(n).toFixed(digits)}`;
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const value = (v: unknown): string => sanitize(v === undefined ? '(unset)' : JSON.stringify(v), 80);
const cell = (text: string, max = 60): string => sanitize(text, max).replace(/\|/g, '\\|');

/** Rows listed individually; the JSON output has them all. */
export const LISTED = 25;

export function whatifMarkdown(r: WhatifReport): string {
  const s = r.summary;
  const lines = [
    '# What if',
    '',
    `${s.deployments.toLocaleString('en-US')} recorded deployments from ${sanitize(r.source, 200)}, requested ${day(s.firstMs)} to ${day(s.lastMs)} (${s.weeks.toFixed(1)} weeks).`,
    `Baseline: ${sanitize(r.baseline, 200)}. New: ${sanitize(r.candidate, 200)}.`,
    ...(r.skipped.length ? [`Skipped ${r.skipped.length} whose service is not in the catalog.`] : []),
    ...(r.fidelity.compared ? [`The baseline replay decides ${r.fidelity.same} of the ${r.fidelity.compared} recorded decisions the same way.`] : []),
    ...learned('baseline', r.learning?.base),
    ...learned('new', r.learning?.next),
    '',
    r.changes.length === 0 ? 'Settings changed: none.' : `Settings changed (${r.changes.length}):`,
    ...r.changes.slice(0, 30).map((c) => `- \`${sanitize(c.path, 80)}\`: ${value(c.from)} → ${value(c.to)}`),
    ...(r.changes.length > 30 ? [`- … and ${r.changes.length - 30} more`] : []),
    '',
    '| decision | baseline | new | change |',
    '|---|---:|---:|---:|',
    ...ACTIONS.map((a) => `| ${NAME[a]} | ${s.counts.base[a]} | ${s.counts.next[a]} | ${signed(s.counts.next[a] - s.counts.base[a])} |`),
    `| cautious canary plan | ${s.cautious.base} | ${s.cautious.next} | ${signed(s.cautious.next - s.cautious.base)} |`,
    '',
  ];
  if (s.transitions.length === 0 && s.planChanges === 0) {
    lines.push('No differences: every deployment is decided the same way under both configurations.', '');
  } else {
    lines.push(`Decided differently: ${s.transitions.reduce((n, t) => n + t.count, 0)} deployments (${s.levelChanges} changed risk level, ${s.planChanges} changed canary plan).`);
    for (const t of s.transitions) lines.push(`- ${NAME[t.from]} → ${NAME[t.to]}: ${t.count}${t.failures ? ` (${t.failures} of them failed or rolled back in the recording)` : ''}`);
    lines.push('');
  }
  lines.push(
    `Recorded failures (failed or rolled back): ${s.failures.recorded}.`,
    `- caught (auto-approved under the baseline; a human or a block under the new configuration): ${s.failures.caught.length}${ids(s.failures.caught)}`,
    `- let through (held under the baseline; auto-approved under the new configuration): ${s.failures.letThrough.length}${ids(s.failures.letThrough)}`,
    '',
    `Human approvals per week: ${s.approvalsPerWeek.base.toFixed(1)} → ${s.approvalsPerWeek.next.toFixed(1)} (${signed(s.approvalsPerWeek.extra, 1)} per week).`,
  );
  if (s.byService.length > 0) {
    lines.push('', '| service | decided differently | extra human approvals | failures caught | let through |', '|---|---:|---:|---:|---:|');
    for (const v of s.byService.slice(0, 10)) lines.push(`| ${cell(v.serviceId, 40)} | ${v.moved} | ${signed(v.extraApprovals)} | ${v.caught} | ${v.letThrough} |`);
    if (s.byService.length > 10) lines.push('', `… and ${s.byService.length - 10} more services (--json lists them all).`);
  }
  if (s.moved.length > 0) {
    lines.push('', `| deployment | service | level | baseline | new | recorded outcome | why (new) |`, '|---|---|---|---|---|---|---|');
    for (const m of s.moved.slice(0, LISTED)) {
      const level = m.base.level === m.next.level ? m.base.level : `${m.base.level} → ${m.next.level}`;
      const plan = (p: string): string => (p === 'cautious' ? ' (cautious)' : '');
      lines.push(`| ${cell(m.id, 40)} | ${cell(m.serviceId, 30)} | ${level} | ${NAME[m.base.action]}${plan(m.base.plan)} | ${NAME[m.next.action]}${plan(m.next.plan)} | ${m.outcome ?? 'unfinished'} | ${cell(m.next.reason, 90)} |`);
    }
    if (s.moved.length > LISTED) lines.push('', `… and ${s.moved.length - LISTED} more (--json lists them all).`);
  }
  lines.push('');
  return lines.join('\n');
}

function ids(list: readonly string[]): string {
  if (list.length === 0) return '';
  const shown = list.slice(0, 8).map((id) => sanitize(id, 40)).join(', ');
  return ` (${shown}${list.length > 8 ? ', …' : ''})`;
}

export function whatifJson(r: WhatifReport): string {
  return JSON.stringify({ version: 1, ...r }, null, 2);
}
