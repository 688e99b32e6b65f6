// whatif over the bundled week fixture: unchanged configuration → no differences; SHADOW → every
// auto-approval becomes a human approval; the report on an example configuration is pinned by a snapshot.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { whatifCommand } from '../../source/commands/whatif.js';
import { historyImportCommand } from '../../source/commands/history-import.js';
import { summariseWhatif, configChanges } from '../../source/domain/whatif.js';
import type { WhatifRow } from '../../source/domain/whatif.js';
import { replayDecisions } from '../../source/report/whatif-replay.js';
import { fromFixture } from '../../source/report/whatif-sources.js';
import { DEFAULT_CONFIG } from '../../source/domain/config.js';
import { InputError } from '../../source/io/input-error.js';
import { config } from '../helpers/builders.js';
import { tempDir } from '../helpers/temp-db.js';

const WEEK = 'fixtures/replay-week.ndjson';
const recorded = fromFixture(WEEK, DEFAULT_CONFIG);
const dir = tempDir();

async function run(file: string | undefined, flags: Parameters<typeof whatifCommand>[1]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await whatifCommand(file, flags, { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } as never);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('whatif', () => {
  it('the week fixture has something to decide: auto-approvals, gates and recorded failures', () => {
    const s = summariseWhatif(replayDecisions(recorded.deployments, recorded.catalog, DEFAULT_CONFIG, DEFAULT_CONFIG).rows);
    expect(s.deployments).toBe(200);
    expect(s.counts.base.proceed).toBeGreaterThan(0);
    expect(s.counts.base.await_approval).toBeGreaterThan(0);
    expect(s.failures.recorded).toBeGreaterThan(0);
  });

  it('with the configuration unchanged: no differences, and the replay reproduces every recorded decision', async () => {
    const replay = replayDecisions(recorded.deployments, recorded.catalog, DEFAULT_CONFIG, config({}));
    const s = summariseWhatif(replay.rows);
    expect(s.transitions).toEqual([]);
    expect(s.moved).toEqual([]);
    expect(s.levelChanges).toBe(0);
    expect(s.approvalsPerWeek.extra).toBe(0);
    expect(replay.fidelity).toEqual({ compared: 200, same: 200 });
    const report = await run(WEEK, { config: writeConfig('same.json', {}), json: false });
    expect(report.out).toContain('No differences');
    expect(report.out).toContain('Settings changed: none.');
  });

  it('autonomy SHADOW: every auto-approval becomes a human approval, nothing else moves', () => {
    const s = summariseWhatif(replayDecisions(recorded.deployments, recorded.catalog, DEFAULT_CONFIG, config({ autonomy: 'SHADOW' })).rows);
    expect(s.counts.next.proceed).toBe(0);
    expect(s.counts.next.await_approval).toBe(s.counts.base.await_approval + s.counts.base.proceed);
    expect(s.counts.next.blocked).toBe(s.counts.base.blocked);
    expect(s.transitions).toEqual([{ from: 'proceed', to: 'await_approval', count: s.counts.base.proceed, failures: expect.any(Number) }]);
    expect(s.failures.letThrough).toEqual([]);
    expect(s.failures.caught.length).toBe(s.transitions[0]?.failures);
    expect(s.approvalsPerWeek.extra).toBeCloseTo(s.counts.base.proceed / s.weeks, 9);
  });

  it('a deny rule for one service blocks exactly that service’s deployments that were not blocked already', () => {
    const next = config({ policies: { rules: [{ id: 'freeze-svc-008', effect: 'deny', reason: 'frozen', when: [{ field: 'serviceId', op: 'eq', value: 'svc-008' }] }] } });
    const { rows } = replayDecisions(recorded.deployments, recorded.catalog, DEFAULT_CONFIG, next);
    const s = summariseWhatif(rows);
    const svc8 = rows.filter((r) => r.serviceId === 'svc-008' && r.base.action !== 'blocked');
    expect(svc8.length).toBeGreaterThan(0);
    expect(s.transitions.every((t) => t.to === 'blocked')).toBe(true);
    expect(s.transitions.reduce((n, t) => n + t.count, 0)).toBe(svc8.length);
  });

  it('the report on the week fixture with fixtures/whatif-stricter.yaml (snapshot)', async () => {
    const report = await run(WEEK, { config: 'fixtures/whatif-stricter.yaml', json: false });
    expect(report.code).toBe(0);
    expect(report.out).toMatchSnapshot();
  });

  it('--json carries every moved deployment', async () => {
    const report = await run(WEEK, { config: 'fixtures/whatif-stricter.yaml', json: true });
    const parsed = JSON.parse(report.out) as { version: number; summary: { moved: unknown[]; transitions: Array<{ count: number }> } };
    expect(parsed.version).toBe(1);
    expect(parsed.summary.moved.length).toBeGreaterThanOrEqual(parsed.summary.transitions.reduce((n, t) => n + t.count, 0));
  });

  it('reads a history file with a catalog, and a database: the same decisions either way', async () => {
    const lines = recorded.deployments.filter((d) => d.outcome && d.finishedAt).map((d) => JSON.stringify({ request: d.request, outcome: d.outcome, finishedAt: d.finishedAt, ...(d.failureReason ? { failureReason: d.failureReason } : {}) }));
    const history = join(dir, 'history.ndjson');
    writeFileSync(history, `${lines.join('\n')}\n`);
    const catalogFile = writeConfig('catalog.json', { services: recorded.catalog.services });
    const db = join(dir, 'imported.db');
    expect(historyImportCommand(history, { catalog: catalogFile, db, json: false }, { out: () => undefined, err: () => undefined } as never)).toBe(0);
    const shadow = writeConfig('shadow.json', { autonomy: 'SHADOW' });
    const fromFile = JSON.parse((await run(undefined, { history, catalog: catalogFile, config: shadow, json: true })).out) as { summary: { counts: unknown; transitions: unknown } };
    const fromDb = JSON.parse((await run(undefined, { db, config: shadow, json: true })).out) as { summary: { counts: unknown; transitions: unknown }; source: string };
    expect(fromDb.source).toBe(db);
    expect(fromDb.summary.counts).toEqual(fromFile.summary.counts);
    expect(fromDb.summary.transitions).toEqual(fromFile.summary.transitions);
    expect((fromFile.summary.counts as { next: { proceed: number } }).next.proceed).toBe(0);
  });

  it('a bad configuration is an error naming the file and the field', async () => {
    const bad = writeConfig('bad.json', { autonomy: 'YOLO' });
    await expect(run(WEEK, { config: bad, json: false })).rejects.toThrow(InputError);
    await expect(run(WEEK, { config: bad, json: false })).rejects.toThrow(/bad\.json.*autonomy/);
  });
});

describe('whatif arithmetic', () => {
  const row = (id: string, base: WhatifRow['base']['action'], next: WhatifRow['next']['action'], outcome: WhatifRow['outcome'], day: number): WhatifRow => ({
    id,
    serviceId: 's',
    requestedAtMs: Date.parse('2026-01-05T00:00:00Z') + day * 86_400_000,
    outcome,
    base: { action: base, plan: 'default', level: 'LOW', score: 0.1, reason: '' },
    next: { action: next, plan: 'default', level: 'LOW', score: 0.1, reason: '' },
  });

  it('caught, let through and approvals per week', () => {
    const s = summariseWhatif([
      row('a', 'proceed', 'await_approval', 'rolled_back', 0),
      row('b', 'await_approval', 'proceed', 'failed', 3),
      row('c', 'proceed', 'blocked', 'succeeded', 7),
      row('d', 'await_approval', 'await_approval', 'failed', 14),
    ]);
    expect(s.failures).toEqual({ recorded: 3, caught: ['a'], letThrough: ['b'] });
    expect(s.byService).toEqual([{ serviceId: 's', moved: 3, extraApprovals: 0, caught: 1, letThrough: 1 }]);
    expect(s.weeks).toBe(2);
    expect(s.approvalsPerWeek).toEqual({ base: 1, next: 1, extra: 0 });
    expect(s.transitions.map((t) => `${t.from}>${t.to}:${t.count}/${t.failures}`)).toEqual(['proceed>await_approval:1/1', 'proceed>blocked:1/0', 'await_approval>proceed:1/1']);
  });

  it('settings that differ, by path', () => {
    expect(configChanges(config({}), config({ autonomy: 'SHADOW', canary: { bakeSeconds: 60 } })).map((c) => c.path)).toEqual(['autonomy', 'canary.bakeSeconds']);
  });
});

function writeConfig(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}
