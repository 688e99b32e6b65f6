// Crash safety: the simulator and the engine are SIGKILLed at random points (fixed seed, 50+ trials). After
// each kill the database opens, the audit chain verifies, every accepted request is there exactly once,
// and in-flight deployments resume (the engine's end state has every accepted request finished).
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import prand from 'pure-rand';
import Database from 'better-sqlite3';
import { openDatabase } from '../../source/store/database.js';
import { AuditLog } from '../../source/store/audit-log.js';
import { Submissions } from '../../source/store/submissions.js';
import { CLI, exited, startUntil } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
const rng = prand.xoroshiro128plus(7);
const between = (a: number, b: number): number => prand.unsafeUniformIntDistribution(a, b, rng);
export const CRASHES = { simulator: 0, engine: 0 };

function checkIntegrity(path: string): { deployments: number } {
  const db = openDatabase(path); // opens (and migrates) after the kill
  try {
    const verify = new AuditLog(db).verify();
    expect(verify.ok).toBe(true);
    // Exactly one 'received' per deployment row, and at most one 'finished'.
    const per = db
      .prepare(
        `SELECT d.id,
           (SELECT count(*) FROM audit a WHERE a.deployment_id = d.id AND CAST(a.canonical AS TEXT) LIKE '%"event":"received"%') AS received,
           (SELECT count(*) FROM audit a WHERE a.deployment_id = d.id AND CAST(a.canonical AS TEXT) LIKE '%"event":"finished"%') AS finished,
           d.outcome, d.machine
         FROM deployments d`,
      )
      .all() as Array<{ id: string; received: number; finished: number; outcome: string | null; machine: string | null }>;
    for (const d of per) {
      expect(d.received).toBe(1);
      expect(d.finished).toBe(d.outcome ? 1 : 0);
      // In flight: its machine is persisted, so an engine can resume it.
      if (!d.outcome) expect(d.machine).not.toBeNull();
    }
    return { deployments: per.length };
  } finally {
    db.close();
  }
}

describe('crash safety', () => {
  it('the simulator killed at 25 random points leaves a sound database each time', { timeout: 300_000 }, async () => {
    for (let trial = 0; trial < 25; trial++) {
      const path = join(dir, `sim-${trial}.db`);
      const child = spawn(process.execPath, [CLI, 'simulate', '--db', path, '-n', '400', '--seed', String(trial), '--services', '8', '--json'], { stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, between(150, 1_500)));
      child.kill('SIGKILL');
      await exited(child);
      CRASHES.simulator += 1;
      checkIntegrity(path);
    }
  });

  it('the engine killed at 25 random points while gates submit: every accepted request finishes exactly once', { timeout: 300_000 }, async () => {
    const path = join(dir, 'engine.db');
    const args = ['engine', '--db', path, '--catalog', 'fixtures/catalog.yaml', '--config', 'examples/slow-canary.yaml'];
    const feeder = openDatabase(path);
    const submissions = new Submissions(feeder);
    let submitted = 0;
    const services = ['notifications', 'notifications', 'auth', 'search'];
    for (let trial = 0; trial < 25; trial++) {
      const engine = await startUntil(args, 'engine started');
      for (let i = 0; i < between(1, 3); i++) {
        const id = `crash-${trial}-${i}`;
        submissions.submit(
          { id, serviceId: services[between(0, services.length - 1)] as string, version: '1', requestedBy: 'ci', requestedAt: new Date().toISOString(), change: { linesChanged: between(1, 200), filesChanged: 1, dbMigration: false, configChange: false, hotfix: false, summary: 'crash test' } },
          Date.now(),
          null, // no gate waits here: the queue must outlive the engine's crashes
        );
        submitted += 1;
      }
      await new Promise((r) => setTimeout(r, between(50, 1_200)));
      engine.child.kill('SIGKILL');
      await exited(engine.child);
      CRASHES.engine += 1;
      checkIntegrity(path);
    }
    // A last engine drains everything: each accepted request ends exactly once.
    const last = await startUntil(args, 'engine started');
    const inspect = new Database(path, { readonly: true });
    const unfinished = (): number => inspect.prepare("SELECT count(*) FROM submissions s LEFT JOIN deployments d ON d.id = s.id WHERE s.status = 'pending' OR (s.status = 'accepted' AND (d.outcome IS NULL AND NOT (d.state = 'awaiting_approval')))").pluck().get() as number;
    for (let i = 0; i < 1200 && unfinished() > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(unfinished()).toBe(0);
    const accepted = inspect.prepare("SELECT count(*) FROM submissions WHERE status = 'accepted'").pluck().get() as number;
    expect(accepted).toBe(submitted);
    expect(inspect.prepare('SELECT count(*) FROM deployments').pluck().get()).toBe(submitted);
    inspect.close();
    last.child.kill('SIGTERM');
    await exited(last.child);
    feeder.close();
    checkIntegrity(path);
  });
});
