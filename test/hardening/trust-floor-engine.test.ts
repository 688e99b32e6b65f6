// Issue 11, attacked in-process (an engine on a virtual clock): stale requests, withdrawals that are not
// failures, failed rollbacks, identities typed differently, commands that leave children behind.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Assessor } from '../../source/domain/assess.js';
import { CatalogIndex } from '../../source/domain/catalog.js';
import { featureEmbedder } from '../../source/domain/embedding.js';
import { sameIdentity } from '../../source/domain/identity.js';
import { VirtualClock } from '../../source/engine/clock.js';
import { ActionRefused, Engine } from '../../source/engine/engine.js';
import { LiveRunner } from '../../source/engine/live-runner.js';
import { rollbackBackoffMs } from '../../source/machines/deployment-machine.js';
import { runCommand } from '../../source/metrics/command-actions.js';
import type { MetricSource, TrafficActions } from '../../source/metrics/metric-source.js';
import { SimulatedMetricSource } from '../../source/metrics/simulated-source.js';
import { openDatabase } from '../../source/store/database.js';
import { DatabaseFileWatch } from '../../source/store/file-identity.js';
import { HistoryStore } from '../../source/store/history-store.js';
import { Lease } from '../../source/store/lease.js';
import { Submissions } from '../../source/store/submissions.js';
import { fileSha256 } from '../../source/store/vector-index.js';
import { config, request, service } from '../helpers/builders.js';
import { T0 } from '../helpers/engine-harness.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
let n = 0;
const services = [service({ id: 'svc', tier: 'low' })];
const healthy = (): MetricSource => new SimulatedMetricSource({ seed: 3, defects: new Map(), providerErrorRate: 0, gapRate: 0 });
const failing: MetricSource = { sample: (q) => ({ at: q.at, errorRate: 0.5, p50Ms: 10, p99Ms: 50, successRate: 0.5 }) };

function setup(metrics: MetricSource = healthy(), traffic?: TrafficActions) {
  const path = join(dir, `e${n++}.db`);
  const db = openDatabase(path);
  const catalog = new CatalogIndex({ services });
  const history = new HistoryStore(db, catalog, featureEmbedder, `${path}.hnsw`);
  const clock = new VirtualClock(T0);
  const cfg = config({ autonomy: 'LEARNING' });
  const assessor = new Assessor(catalog, cfg, history, featureEmbedder);
  const engine = new Engine({ db, catalog, config: cfg, history, assessor, clock, metrics, ...(traffic ? { traffic } : {}) });
  const submissions = new Submissions(db);
  const lease = new Lease(db, 'engine', 'test');
  const runner = new LiveRunner({ engine, submissions, lease, clock, pollMs: 1_000, log: () => undefined });
  lease.acquire(clock.now());
  const step = (): void => {
    runner.step();
    runner.stop(false);
  };
  const runUntil = (until: number): void => {
    for (let next = engine.nextWake(); next !== undefined && next <= until; next = engine.nextWake()) {
      clock.set(next);
      engine.tick();
    }
    clock.set(until);
  };
  const events = (event: string) => [...engine.audit.entries()].filter((e) => e.event === event);
  return { path, db, clock, engine, history, submissions, step, runUntil, events };
}

describe('trust floor (engine)', () => {
  it('a request whose gate died (deadline passed) is refused as stale and the refusal audited; a live one runs', () => {
    const h = setup();
    h.submissions.submit(request({ id: 'dead-gate' }), T0 - 20_000, T0 - 1); // its gate was SIGKILLed long ago
    h.submissions.submit(request({ id: 'live-gate' }), T0, T0 + 10_000);
    h.step();
    expect(h.submissions.status('dead-gate')).toMatchObject({ status: 'refused', error: expect.stringMatching(/^stale/) });
    expect(h.engine.get('dead-gate')).toBeUndefined();
    expect(h.events('submission_refused').map((e) => e.payload)).toEqual([expect.objectContaining({ requestId: 'dead-gate', stale: true })]);
    expect(h.engine.get('live-gate')).toBeDefined();
  });

  it('a gate that withdraws before an engine takes its request wins the race: the engine never runs it', () => {
    const h = setup();
    h.submissions.submit(request({ id: 'w-1' }), T0, T0 + 10_000);
    expect(h.submissions.withdrawPending('w-1', 'cancelled')).toBe(true);
    h.step();
    expect(h.engine.get('w-1')).toBeUndefined();
    expect(h.submissions.withdrawPending('w-1', 'again')).toBe(false);
  });

  it('approve/reject that gave up (exit 3) are never applied by a later engine; a stale action is refused and audited', async () => {
    const h = setup();
    h.engine.submit(request({ id: 'gated', requestedBy: 'ci' }, { dbMigration: true }));
    expect(h.engine.get('gated')?.state).toBe('awaiting_approval');
    // No engine answers: the sender cancels at its deadline.
    const cancelled = h.submissions.requestAction('gated', 'approve', 'alice', undefined, Date.now(), Date.now() + 50);
    expect(await h.submissions.awaitAction(cancelled, 50)).toBe('unanswered');
    // A sender killed before it could cancel: only its deadline is left.
    h.submissions.requestAction('gated', 'reject', 'bob', 'no', T0 - 60_000, T0 - 50_000);
    h.step();
    expect(h.engine.get('gated')?.state).toBe('awaiting_approval');
    expect(h.submissions.actionResult(cancelled)).toMatchObject({ result: 'cancelled' });
    expect(h.events('action_refused').map((e) => [e.actor.id, e.payload.action, e.payload.stale])).toEqual([['bob', 'reject', true]]);
  });

  it('a withdrawn canary ends "withdrawn", never rolled_back or failed, and is no evidence: history, retrieval, failure rates and LEARNING ignore it', () => {
    const h = setup();
    h.engine.submit(request({ id: 'cancel-me' }));
    h.runUntil(T0 + 3 * 60_000);
    expect(h.engine.get('cancel-me')?.state).toBe('canary');
    h.engine.withdraw('cancel-me', 'gate:ci');
    expect(h.engine.get('cancel-me')).toMatchObject({ state: 'withdrawn', outcome: 'withdrawn' });
    expect(h.history.serviceCounts('svc')).toEqual({ executed: 0, failures: 0 });
    expect(h.history.fleetCounts()).toEqual({ executed: 0, failures: 0 });
    expect(h.history.nearest(new Array(featureEmbedder.dimensions).fill(0.1), 10)).toEqual([]);
    expect(h.events('finished').map((e) => e.payload.outcome)).toEqual(['withdrawn']);
    expect(h.events('rollback_started')).toHaveLength(1); // traffic went back to stable all the same
    // Awaiting approval, withdrawn: likewise its own outcome, not "rejected".
    h.engine.submit(request({ id: 'cancel-gated' }, { dbMigration: true }));
    h.engine.withdraw('cancel-gated', 'gate:ci');
    expect(h.engine.get('cancel-gated')?.outcome).toBe('withdrawn');
  });

  it('a failed rollback is rollback_failed, retried with backoff until it works or a human resolves it; never rolled_back meanwhile', async () => {
    let attempts = 0;
    let works = false;
    const traffic: TrafficActions = {
      shift: () => undefined,
      rollback: () => {
        attempts += 1;
        if (!works) throw new Error('mesh API unreachable');
      },
    };
    const h = setup(failing, traffic);
    h.engine.submit(request({ id: 'stuck' }));
    h.runUntil(T0 + 30_000); // the first sample fails the stage; the rollback command fails
    expect(h.engine.get('stuck')).toMatchObject({ state: 'rollback_failed', outcome: null });
    expect(attempts).toBe(1);
    const failedAt = Date.parse(h.events('rollback_failed')[0]!.ts);
    h.runUntil(failedAt + rollbackBackoffMs(1) - 1);
    expect(attempts).toBe(1);
    h.runUntil(failedAt + rollbackBackoffMs(1) + rollbackBackoffMs(2));
    expect(attempts).toBe(3); // retried after 5 s, then 10 s later
    expect(h.engine.get('stuck')?.state).toBe('rollback_failed');
    expect(h.history.serviceCounts('svc').executed).toBe(0); // not finished, not yet evidence
    expect(() => h.engine.resolveRollback('stuck', 'oncall', ' ')).toThrow(ActionRefused);
    h.engine.resolveRollback('stuck', 'oncall', 'weights set to 0 by hand');
    expect(h.engine.get('stuck')).toMatchObject({ outcome: 'rolled_back', decidedBy: 'oncall' });
    // A retry that works ends it too.
    attempts = 0;
    h.engine.submit(request({ id: 'flaky' }));
    h.runUntil(h.clock.now() + 30_000);
    expect(h.engine.get('flaky')?.state).toBe('rollback_failed');
    works = true;
    h.runUntil(h.clock.now() + rollbackBackoffMs(1));
    expect(h.engine.get('flaky')?.outcome).toBe('rolled_back');
    expect(h.events('rollback_failed').every((e) => typeof e.payload.error === 'string' && e.payload.error.includes('mesh API unreachable'))).toBe(true);
  });

  it('self-approval is refused however the name is typed (case, spaces, full-width letters)', () => {
    const h = setup();
    h.engine.submit(request({ id: 'mine', requestedBy: 'Alice Smith' }, { dbMigration: true }));
    const variants = ['alice smith', '  ALICE   SMITH ', 'Ａｌｉｃｅ Smith', 'alice\u00ad smith', 'ali\u200bce smith', 'a\u2060lice smith', 'alice\u180e smith', 'ali\u0307ce smith', 'alıce smith', 'ALİCE SMITH', '\u0430lice smith', 'alice sm\u0456th'];
    for (const alias of variants) expect(() => h.engine.approve('mine', alias), JSON.stringify(alias)).toThrow(/cannot approve/);
    expect(sameIdentity('alice', 'bob')).toBe(false);
    h.engine.approve('mine', 'bob');
    expect(h.engine.get('mine')?.state).toBe('canary');
  });

  it('stage commands leave no orphans: the whole process group is killed, and a child holding stdout open does not stall the sample', async () => {
    const marker = `orphan-${randomBytes(4).toString('hex')}`;
    const script = join(dir, 'leaky.sh');
    writeFileSync(script, `#!/bin/sh\nsleep 30 ${marker} 2>/dev/null &\n(exec -a ${marker} sleep 30) &\necho '{"errorRate":0.001}'\n`);
    execFileSync('chmod', ['+x', script]);
    const started = Date.now();
    expect(JSON.parse(await runCommand([script], 5_000))).toEqual({ errorRate: 0.001 });
    expect(Date.now() - started).toBeLessThan(3_000);
    const slow = join(dir, 'slow.sh');
    writeFileSync(slow, `#!/bin/sh\n(exec -a ${marker}-t sleep 30) &\nsleep 30\n`);
    execFileSync('chmod', ['+x', slow]);
    await expect(runCommand([slow], 300)).rejects.toThrow(/timed out/);
    await new Promise((r) => setTimeout(r, 200));
    const alive = (() => {
      try {
        return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
      } catch {
        return [];
      }
    })();
    expect(alive, 'processes left behind').toEqual([]);
  });

  it('a full disk is one clear log line and a backoff, not a stack per pass; the engine carries on once there is room', () => {
    const logged: string[] = [];
    const path = join(dir, `full${n++}.db`);
    const db = openDatabase(path);
    const catalog = new CatalogIndex({ services });
    const history = new HistoryStore(db, catalog, featureEmbedder, undefined);
    const clock = new VirtualClock(T0);
    const cfg = config();
    const engine = new Engine({ db, catalog, config: cfg, history, assessor: new Assessor(catalog, cfg, history, featureEmbedder), clock, metrics: healthy() });
    const submissions = new Submissions(db);
    const runner = new LiveRunner({ engine, submissions, lease: new Lease(db, 'engine', 't'), clock, pollMs: 100, log: (l) => logged.push(l) });
    new Lease(db, 'engine', 't').acquire(T0);
    for (let i = 0; i < 30; i++) submissions.submit(request({ id: `big-${i}` }, { summary: 'x'.repeat(5_000) }), T0, null);
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`); // the disk is full now
    for (let i = 0; i < 3; i++) {
      runner.step();
      runner.stop(false);
    }
    expect(logged).toHaveLength(3);
    for (const line of logged) {
      expect(line).toMatch(/disk is full \(SQLITE_FULL\)/);
      expect(line.split('\n')).toHaveLength(1);
    }
    expect(logged.map((l) => Number(/retrying in ([\d.]+) s/.exec(l)?.[1]))).toEqual([0.2, 0.4, 0.8]); // backing off
    expect(engine.deployments).toHaveLength(0); // nothing half-done in memory
    db.pragma('max_page_count = 1073741823');
    runner.step();
    runner.stop(false);
    expect(engine.deployments.length).toBeGreaterThan(0);
    expect(engine.audit.verify().ok).toBe(true);
    db.close();
  });

  it('the engine notices its database file replaced or deleted; the index checksum is streamed', () => {
    const path = join(dir, 'watched.db');
    const db = openDatabase(path);
    const watch = new DatabaseFileWatch(path);
    expect(watch.changed()).toBeUndefined();
    writeFileSync(`${path}.new`, readFileSync(path));
    execFileSync('mv', [`${path}.new`, path]);
    expect(watch.changed()).toMatch(/replaced/);
    db.close();
    const file = join(dir, 'blob.bin');
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    writeFileSync(file, bytes);
    expect(fileSha256(file)).toBe(createHash('sha256').update(bytes).digest('hex'));
  });
});
