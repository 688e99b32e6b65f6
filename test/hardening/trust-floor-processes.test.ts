// Issue 11, attacked with real processes: each test is one attack from the hostile trial, named after it.
// The counts feed the README's "what was tried" table.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, renameSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { CLI, exited, run, startUntil, waitFor } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
const children: Array<{ kill(s?: NodeJS.Signals): boolean }> = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});
const ESC_OR_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200b-\u200f]/;

const line = (id: string, outcome: string, serviceId = 'notifications'): string =>
  JSON.stringify({
    request: { id, serviceId, version: '1.0.0', requestedBy: 'ci', requestedAt: '2026-11-02T10:00:00Z', change: { linesChanged: 10, filesChanged: 1, dbMigration: false, configChange: false, hotfix: false, summary: 'x' } },
    outcome,
    finishedAt: '2026-11-02T10:30:00Z',
  });

describe('trust floor (real processes)', () => {
  it('gate --id of an imported history row: refused (exit 2) before anything is submitted, never reported as its own', async () => {
    const db = join(dir, 'collide.db');
    const history = join(dir, 'collide.ndjson');
    writeFileSync(history, `${line('shipped-1', 'succeeded')}\n${line('broke-1', 'rolled_back')}\n`);
    expect((await run(['history', 'import', history, '--db', db, '--catalog', 'fixtures/catalog.yaml'])).code).toBe(0);
    for (const id of ['shipped-1', 'broke-1']) {
      const r = await run(['gate', '--db', db, '--id', id, '--service', 'notifications', '--version', '2', '--wait', '2s']);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`deployment "${id}" already exists`));
    }
    const inspect = new Database(db, { readonly: true });
    expect(inspect.prepare('SELECT count(*) FROM submissions').pluck().get()).toBe(0);
    inspect.close();
  });

  it('a gate that finds no engine withdraws its request (exit 3): an engine started later runs nothing', { timeout: 60_000 }, async () => {
    const db = join(dir, 'noengine.db');
    await run(['history', 'import', '/dev/null', '--db', db, '--catalog', 'fixtures/catalog.yaml']); // stores the catalog
    const gate = await run(['gate', '--db', db, '--id', 'lonely-1', '--service', 'notifications', '--version', '1', '--wait', '1m']);
    expect(gate.code, gate.stderr).toBe(3);
    expect(gate.stderr).toMatch(/withdrawn and will not run/);
    const engine = await startUntil(['engine', '--db', db, '--config', 'examples/fast-canary.yaml'], 'engine started');
    children.push(engine.child);
    await new Promise((r) => setTimeout(r, 500));
    engine.child.kill('SIGTERM');
    await exited(engine.child);
    const inspect = new Database(db, { readonly: true });
    expect(inspect.prepare("SELECT status FROM submissions WHERE id = 'lonely-1'").pluck().get()).toBe('withdrawn');
    expect(inspect.prepare("SELECT count(*) FROM deployments WHERE id = 'lonely-1'").pluck().get()).toBe(0);
    inspect.close();
  });

  it('a gate killed outright (SIGKILL) or hung up (SIGHUP) mid-canary: nothing runs on for nobody', { timeout: 60_000 }, async () => {
    const db = join(dir, 'killed.db');
    const config = join(dir, 'very-slow.yaml');
    writeFileSync(config, ['canary:', '  bakeSeconds: 0', '  sampleIntervalSeconds: 3', '  minSamples: 2', 'live:', '  pollMs: 50'].join('\n'));
    const engine = await startUntil(['engine', '--db', db, '--catalog', 'fixtures/catalog.yaml', '--config', config], 'engine started');
    children.push(engine.child);
    const gate = (id: string) => spawn(process.execPath, [CLI, 'gate', '--db', db, '--id', id, '--service', 'notifications', '--version', '1', '--wait', '5m'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const killed = gate('gk-1');
    const hungUp = gate('gh-1');
    children.push(killed, hungUp);
    const inspect = new Database(db, { readonly: true });
    const state = (id: string) => inspect.prepare('SELECT state FROM deployments WHERE id = ?').pluck().get(id) as string | undefined;
    await waitFor(() => state('gk-1')?.startsWith('canary') === true && state('gh-1')?.startsWith('canary') === true);
    killed.kill('SIGKILL');
    hungUp.kill('SIGHUP');
    expect(await exited(hungUp)).toBe(15); // a hang-up is a cancel: withdrawn at once
    await waitFor(() => inspect.prepare("SELECT outcome FROM deployments WHERE id = 'gk-1'").pluck().get() !== null, { timeoutMs: 30_000 });
    const outcome = (id: string) => inspect.prepare('SELECT outcome FROM deployments WHERE id = ?').pluck().get(id);
    expect([outcome('gk-1'), outcome('gh-1')]).toEqual(['withdrawn', 'withdrawn']);
    const events = (inspect.prepare("SELECT CAST(canonical AS TEXT) FROM audit WHERE deployment_id = 'gk-1'").pluck().all() as string[]).map((t) => JSON.parse(t) as { event: string; actor: { kind: string } });
    expect(events.map((e) => e.event)).toContain('gate_gone');
    expect(events.find((e) => e.event === 'withdrawn')?.actor.kind).toBe('system');
    inspect.close();
    engine.child.kill('SIGTERM');
    await exited(engine.child);
  });

  it('a failed rollback is not a rollback: the gate exits 16 naming it, the deployment stays rollback_failed until a human resolves it', { timeout: 60_000 }, async () => {
    const db = join(dir, 'rbfail.db');
    const config = join(dir, 'rbfail.yaml');
    writeFileSync(
      config,
      ['canary:', '  bakeSeconds: 0', '  sampleIntervalSeconds: 0.05', '  minSamples: 1', 'live:', '  pollMs: 20', '  commandTimeoutSeconds: 5',
        `  metricsCommand: ["echo", '{"errorRate":0.5,"p50Ms":20,"p99Ms":90,"successRate":0.5}']`, '  rollbackCommand: ["false"]'].join('\n'),
    );
    const engine = await startUntil(['engine', '--db', db, '--catalog', 'fixtures/catalog.yaml', '--config', config], 'engine started');
    children.push(engine.child);
    const gate = await run(['gate', '--db', db, '--id', 'rb-1', '--service', 'notifications', '--version', '9', '--wait', '30s', '--json'], 40_000);
    expect(gate.code, gate.stderr).toBe(16);
    expect(JSON.parse(gate.stdout)).toMatchObject({ outcome: 'rollback_failed', exitCode: 16 });
    const inspect = new Database(db, { readonly: true });
    expect(inspect.prepare("SELECT state, outcome FROM deployments WHERE id = 'rb-1'").get()).toEqual({ state: 'rollback_failed', outcome: null });
    expect((await run(['resolve', 'rb-1', '--db', db, '--as', 'oncall'])).code).toBe(2); // a reason is required
    const resolved = await run(['resolve', 'rb-1', '--db', db, '--as', 'oncall', '--reason', 'set the mesh weight to 0 by hand']);
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(inspect.prepare("SELECT outcome FROM deployments WHERE id = 'rb-1'").pluck().get()).toBe('rolled_back');
    inspect.close();
    engine.child.kill('SIGTERM');
    await exited(engine.child);
  });

  it('request text cannot become an option: ids, versions and service ids starting with "-" or carrying controls are refused (exit 2)', async () => {
    const db = join(dir, 'options.db');
    for (const [flag, value] of [['--version', '--help'], ['--version', '-rf'], ['--id', '-x'], ['--version', 'a b'], ['--version', 'v\u001b[31m'], ['--service', '-notifications']] as const) {
      const args = ['gate', '--db', db, '--service', 'notifications', '--version', '1', '--no-wait'];
      const at = args.indexOf(flag);
      if (at >= 0) args[at + 1] = value;
      else args.push(flag, value);
      const r = await run(args);
      expect(r.code, `${flag} ${value}: ${r.stderr}`).toBe(2);
      expect(r.stderr).not.toMatch(ESC_OR_CONTROL);
    }
  });

  it('a catastrophically backtracking policy pattern is refused at load (file, line, field) or runs in linear time', async () => {
    const bad = join(dir, 'backref.yaml');
    writeFileSync(bad, ['policies:', '  rules:', '    - id: echo', '      effect: warn', '      reason: r', '      when:', '        - { field: change.summary, op: matches, value: "(a)\\\\1" }'].join('\n'));
    const request = join(dir, 'req.json');
    writeFileSync(request, JSON.stringify({ id: 'r-1', serviceId: 'notifications', version: '1', requestedBy: 'ci', requestedAt: '2026-11-02T10:00:00Z', change: { linesChanged: 1, filesChanged: 1, dbMigration: false, configChange: false, hotfix: false, summary: 'a'.repeat(40) + '!' } }));
    const refused = await run(['assess', '--catalog', 'fixtures/catalog.yaml', '--request', request, '--config', bad]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/backref\.yaml:7: policies\.rules\[0\]\.when\[0\]\.value: .*linear-time engine/);
    const huge = join(dir, 'huge.yaml');
    writeFileSync(huge, ['policies:', '  rules:', '    - id: huge', '      effect: warn', '      reason: r', '      when:', '        - { field: change.summary, op: matches, value: "(.*){1000}" }'].join('\n'));
    const tooBig = await run(['assess', '--catalog', 'fixtures/catalog.yaml', '--request', request, '--config', huge]);
    expect(tooBig.code).toBe(2);
    expect(tooBig.stderr).toMatch(/huge\.yaml:7: .*too large: it compiles to 4002 RE2 instructions/);
    const evil = join(dir, 'redos.yaml');
    writeFileSync(evil, ['policies:', '  rules:', '    - id: redos', '      effect: require_approval', '      reason: words only', '      when:', '        - { field: change.summary, op: matches, value: "^(\\\\w+\\\\s?)*$" }'].join('\n'));
    const started = Date.now();
    const ok = await run(['assess', '--catalog', 'fixtures/catalog.yaml', '--request', request, '--config', evil, '--json'], 20_000);
    expect(ok.code, ok.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000); // JavaScript's own engine would take hours here
  });

  it('catalog changes are audited with digests; an engine that cannot take the lease writes nothing, not even its catalog', { timeout: 60_000 }, async () => {
    const db = join(dir, 'catalog.db');
    const engine = await startUntil(['engine', '--db', db, '--catalog', 'fixtures/catalog.yaml', '--config', 'examples/fast-canary.yaml'], 'engine started');
    children.push(engine.child);
    const changed = join(dir, 'catalog-changed.yaml');
    const { readFileSync } = await import('node:fs');
    writeFileSync(changed, readFileSync('fixtures/catalog.yaml', 'utf8').replace('tier: low', 'tier: critical'));
    const second = await run(['engine', '--db', db, '--catalog', changed]);
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(/nothing was written/);
    engine.child.kill('SIGTERM');
    await exited(engine.child);
    const inspect = new Database(db, { readonly: true });
    const events = (inspect.prepare("SELECT CAST(canonical AS TEXT) FROM audit WHERE CAST(canonical AS TEXT) LIKE '%catalog_loaded%'").pluck().all() as string[]).map((t) => JSON.parse(t) as { payload: { changes: Array<{ service: string; field: string }> } });
    expect(events).toHaveLength(1);
    expect(JSON.parse(inspect.prepare("SELECT body FROM services WHERE id = 'notifications'").pluck().get() as string)).toMatchObject({ tier: 'low' });
    inspect.close();
    // Without the other engine, the change lands and is audited with what changed.
    await run(['history', 'import', '/dev/null', '--db', db, '--catalog', changed]);
    const after = new Database(db, { readonly: true });
    const last = JSON.parse(after.prepare("SELECT CAST(canonical AS TEXT) FROM audit WHERE CAST(canonical AS TEXT) LIKE '%catalog_loaded%' ORDER BY seq DESC LIMIT 1").pluck().get() as string) as { payload: { changes: unknown[] } };
    after.close();
    expect(last.payload.changes).toEqual([{ service: 'notifications', field: 'tier', from: 'low', to: 'critical' }]);
  });

  it('audit verify --deep names a flipped imported outcome, a deleted row, an edited tier, service and decision; passes untouched', { timeout: 60_000 }, async () => {
    const db = join(dir, 'deep.db');
    const history = join(dir, 'deep.ndjson');
    writeFileSync(history, `${line('h-1', 'rolled_back')}\n${line('h-2', 'succeeded')}\n`);
    expect((await run(['history', 'import', history, '--db', db, '--catalog', 'fixtures/catalog.yaml'])).code).toBe(0);
    const engine = await startUntil(['engine', '--db', db, '--config', 'examples/fast-canary.yaml'], 'engine started');
    children.push(engine.child);
    const gate = run(['gate', '--db', db, '--id', 'live-1', '--service', 'notifications', '--version', '1', '--wait', '30s']);
    const inspect = new Database(db, { readonly: true });
    await waitFor(() => inspect.prepare("SELECT state FROM deployments WHERE id = 'live-1'").pluck().get() === 'awaiting_approval'); // a failure in history: MEDIUM
    inspect.close();
    expect((await run(['approve', 'live-1', '--db', db, '--as', 'alice'])).code).toBe(0);
    expect((await gate).code).toBe(0);
    engine.child.kill('SIGTERM');
    await exited(engine.child);
    const clean = await run(['audit', 'verify', '--deep', '--db', db]);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(/tables reconcile/);
    const edit = new Database(db);
    edit.prepare("UPDATE deployments SET outcome = 'succeeded' WHERE id = 'h-1'").run();
    edit.prepare("UPDATE services SET body = json_set(body, '$.tier', 'low') WHERE id = 'payments-api'").run();
    edit.prepare("UPDATE deployments SET decision = 'proceed' WHERE id = 'live-1'").run(); // a gated deployment made to look auto-approved
    edit.prepare("DELETE FROM deployments WHERE id = 'h-2'").run(); // a success forgotten: failure rates rise
    edit.prepare("UPDATE deployments SET service_id = 'auth' WHERE id = 'live-1'").run(); // counted for another service
    edit.close();
    const caught = await run(['audit', 'verify', '--deep', '--db', db, '--json']);
    expect(caught.code).toBe(1);
    const deep = (JSON.parse(caught.stdout) as { ok: boolean; deep: { differences: Array<{ table: string; id: string; field: string }> } });
    expect(deep.ok).toBe(true); // the chain itself is intact: the tables lie
    expect(deep.deep.differences.map((d) => `${d.table}:${d.id}:${d.field}`).sort()).toEqual([
      'deployments:h-1:(imported row)',
      'deployments:h-2:(row missing)',
      'deployments:live-1:decision',
      'deployments:live-1:service_id',
      'services:payments-api:body',
    ]);
  });

  it('audit verify is honest about what it opened: missing → exit 2 and nothing created; junk or truncated → exit 3; a closed database is read without creating -wal/-shm', async () => {
    const missing = join(dir, 'sub', 'missing.db');
    const r = await run(['audit', 'verify', '--db', missing]);
    expect(r.code).toBe(2);
    expect(existsSync(missing)).toBe(false);
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'not a database at all\n'.repeat(50));
    expect((await run(['audit', 'verify', '--db', junk])).code).toBe(3);
    const db = join(dir, 'closed.db');
    await run(['history', 'import', '/dev/null', '--db', db, '--catalog', 'fixtures/catalog.yaml']);
    const truncated = join(dir, 'truncated.db');
    const { readFileSync } = await import('node:fs');
    writeFileSync(truncated, readFileSync(db).subarray(0, 4096 + 512));
    const t = await run(['audit', 'verify', '--db', truncated]);
    expect(t.code, t.stdout + t.stderr).toBe(3);
    expect(t.stderr.trim().split('\n')).toHaveLength(1);
    const before = readdirSync(dir).filter((f) => f.startsWith('closed.db')).sort();
    const v = await run(['audit', 'verify', '--db', db]);
    expect(v.code, v.stderr).toBe(0);
    expect(readdirSync(dir).filter((f) => f.startsWith('closed.db')).sort()).toEqual(before);
  });

  it('the database replaced under a running engine: it notices and stops loudly (exit 5) instead of writing into an unlinked file', { timeout: 30_000 }, async () => {
    const db = join(dir, 'replaced.db');
    const engine = await startUntil(['engine', '--db', db, '--catalog', 'fixtures/catalog.yaml', '--config', 'examples/fast-canary.yaml'], 'engine started');
    children.push(engine.child);
    copyFileSync(db, join(dir, 'copy.db'));
    renameSync(join(dir, 'copy.db'), db); // a "restore" over the live file
    const code = await exited(engine.child);
    expect(code).toBe(5);
    expect(engine.output()).toMatch(/was replaced by another file/);
  });

  it('no control character reaches a terminal from an error message or --json output', async () => {
    const request = join(dir, 'evil-request.json');
    writeFileSync(request, '{"id":"r1","\u001b]0;pwned\u0007evil\u001b[31m":1}');
    const r1 = await run(['gate', '--db', join(dir, 'evil.db'), '--request', request, '--no-wait']);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/unknown key/);
    const history = join(dir, 'evil.ndjson');
    writeFileSync(history, `{"\u001b[2J\u009b31m":1}\n{not json \u202e\u001b[31m\n`);
    const r2 = await run(['history', 'import', history, '--db', join(dir, 'evil.db'), '--catalog', 'fixtures/catalog.yaml']);
    expect(r2.stderr.length).toBeGreaterThan(0);
    const bidi = join(dir, 'bidi-request.json');
    writeFileSync(bidi, JSON.stringify({ id: 'b1', serviceId: 'notifications', version: '1', requestedBy: 'ci', requestedAt: '2026-11-02T10:00:00Z', change: { linesChanged: 1, filesChanged: 1, dbMigration: false, configChange: false, hotfix: false, summary: 'abc\u202edcba zero\u200bwidth \u0085 NEL' } }));
    const r3 = await run(['assess', '--catalog', 'fixtures/catalog.yaml', '--request', bidi, '--json']);
    expect(r3.code, r3.stderr).toBe(0);
    expect(JSON.parse(r3.stdout)).toBeTruthy();
    for (const r of [r1, r2, r3]) {
      expect(r.stderr).not.toMatch(ESC_OR_CONTROL);
      expect(r.stdout).not.toMatch(ESC_OR_CONTROL);
    }
  });

  it('smaller items: unknown flags, a YAML alias bomb, invalid UTF-8 and NUL in request files, one bad NDJSON line = one rejection, audit export | head', async () => {
    const typo = await run(['--readonyl']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/--readonyl/);
    const escaped = await run(['gate', '--x\u001b]0;PWNED\u0007\u001b[2J']);
    expect(escaped.code).toBe(2);
    expect(escaped.stderr).not.toMatch(ESC_OR_CONTROL);
    const twice = await run(['audit', 'verify', '--db', 'a.db', '--db', 'b.db']);
    expect(twice.code).toBe(2);
    expect(twice.stderr.trim().split('\n')).toEqual(['error: The flag --db can only be set once.', 'Run genops-tui --help for usage.']);
    const bomb = join(dir, 'bomb.yaml');
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    writeFileSync(bomb, `${levels.join('\n')}\nservices: *i\n`);
    const b = await run(['history', 'import', '/dev/null', '--db', join(dir, 'bomb.db'), '--catalog', bomb]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/bomb\.yaml:\d+: \(aliases\)/);
    const invalid = join(dir, 'invalid-utf8.json');
    writeFileSync(invalid, Buffer.concat([Buffer.from('{"id":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]));
    const u = await run(['gate', '--db', join(dir, 'enc.db'), '--request', invalid, '--no-wait']);
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/invalid-utf8\.json:1: \(file\): invalid UTF-8/);
    const nul = join(dir, 'nul.json');
    writeFileSync(nul, '{"id":"a\u0000b"}');
    const n = await run(['gate', '--db', join(dir, 'enc.db'), '--request', nul, '--no-wait']);
    expect(n.code).toBe(2);
    expect(n.stderr).toMatch(/contains a NUL byte/);
    const history = join(dir, 'one-bad.ndjson');
    writeFileSync(history, `${line('ok-1', 'succeeded')}\n{"request":{"id":"x"}}\n`);
    const h = await run(['history', 'import', history, '--db', join(dir, 'one-bad.db'), '--catalog', 'fixtures/catalog.yaml', '--json']);
    expect(JSON.parse(h.stdout)).toMatchObject({ imported: 1, rejected: 1 });
    // export | head: the reader closes the pipe early; the exporter stops quietly.
    const db = join(dir, 'one-bad.db');
    for (let i = 0; i < 3; i++) await run(['history', 'import', history, '--db', db]); // more entries
    const exporter = spawn(process.execPath, [CLI, 'audit', 'export', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    exporter.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    exporter.stdout.once('data', () => exporter.stdout.destroy());
    const code = await exited(exporter);
    await waitFor(() => exporter.stderr.closed || exporter.stderr.destroyed, { timeoutMs: 2_000 }).catch(() => undefined);
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|Error/);
  });
});
