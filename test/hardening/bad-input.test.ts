// The bad-input corpus (test/corpus) through every entry point of the built CLI: each problem gets a clear,
// located error; valid records around it are kept; rejected lines land in the quarantine.
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
const corpus = (f: string): string => join('test', 'corpus', f);
export const TRIED = { inputs: 0 };

describe('bad input through every entry point', () => {
  it('history import: 15 bad lines reported with line and field, the 2 good ones imported, all kept in quarantine', async () => {
    const file = join(dir, 'history.ndjson');
    const invalidUtf8 = Buffer.from([0x7b, 0x22, 0x72, 0xff, 0xfe, 0x22, 0x7d, 0x0a]);
    const huge = `{"pad":"${'x'.repeat(10 * 1024 * 1024)}"}\n`;
    writeFileSync(file, Buffer.concat([readFileSync(corpus('history-mixed.ndjson')), Buffer.from('\n'), invalidUtf8, Buffer.from(huge)]));
    const db = join(dir, 'h.db');
    const r = await run(['history', 'import', file, '--catalog', 'fixtures/catalog.yaml', '--db', db]);
    TRIED.inputs += 15;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/imported 2 deployments, rejected 13 lines/);
    const expected = [
      [2, /\(syntax\): invalid JSON/],
      [3, /request\.change\.linesChanged: Invalid input: expected number, received string/],
      [4, /request: unknown key "priority"/],
      [5, /request\.serviceId: unknown service "ghost"/],
      [6, /request\.change\.linesChanged: Too small/],
      [7, /request\.requestedAt: expected an ISO 8601 date-time with an offset/],
      [8, /request\.id: duplicate deployment id "ok-1"/],
      [9, /\(syntax\): invalid JSON/], // NaN is not JSON
      [10, /request\.change\.linesChanged: .*(finite|Infinity|number)/i], // 1e999 parses as Infinity
      [11, /outcome: Invalid option/],
      [13, /\(syntax\): invalid JSON/], // truncated
      [14, /\(line\): invalid UTF-8/],
      [15, /\(line\): line longer than 1000000 bytes/],
    ] as const;
    for (const [line, message] of expected) expect(r.stderr).toMatch(new RegExp(`rejected ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:${line}: ${message.source}`));
    const q = await run(['quarantine', 'list', '--db', db, '--json']);
    const entries = q.stdout.trim().split('\n').map((l) => JSON.parse(l) as { line: number; source: string; raw?: string });
    expect(entries.map((e) => e.line)).toEqual(expected.map(([line]) => line));
    expect(entries.every((e) => e.source === 'history import')).toBe(true);
    expect(entries.find((e) => e.line === 15)?.raw?.length).toBeLessThanOrEqual(500);
    // Importing again duplicates nothing and loses nothing.
    const again = await run(['history', 'import', file, '--db', db]);
    expect(again.stdout).toMatch(/imported 0 deployments, rejected 15 lines/);
    expect(again.code).toBe(2);
  });

  it('catalog, configuration and request files: every problem located, nothing starts', async () => {
    const req = 'fixtures/requests/notifications-low.json';
    const cases: Array<[string[], RegExp[]]> = [
      [['assess', '--catalog', corpus('catalog-cycle.yaml'), '--request', req], [/catalog-cycle\.yaml:2: services: dependency cycle: a -> b -> a/]],
      [['assess', '--catalog', corpus('catalog-bad.json'), '--request', req], [/catalog-bad\.json:2: services\[0\]: unknown key "owner"/, /services\[0\]\.tier: Invalid option/, /services\[0\]\.errorBudgetRemaining: Invalid input: expected number/]],
      [['assess', '--catalog', 'fixtures/catalog.yaml', '--request', req, '--config', corpus('config-bad-cron.yaml')], [/config-bad-cron\.yaml:3: policies\.freezeWindows\[0\]\.cron: expected a valid 5- or 6-field cron expression/]],
      [['assess', '--catalog', 'fixtures/catalog.yaml', '--request', req, '--config', corpus('config-weights.yaml')], [/config-weights\.yaml:2: weights: weights sum to 1\.650000/]],
      [['assess', '--catalog', 'fixtures/catalog.yaml', '--request', corpus('request-no-offset.json')], [/request-no-offset\.json:1: requestedAt: expected an ISO 8601 date-time with an offset/]],
      [['assess', '--catalog', 'fixtures/catalog.yaml', '--request', corpus('request-negative.json')], [/request-negative\.json:2: change: unknown key "extra"/, /change\.linesChanged: Too small/]],
      [['gate', '--request', corpus('request-no-offset.json'), '--db', join(dir, 'gate.db')], [/request-no-offset\.json:1: requestedAt/]],
      [['gate', '--service', 'notifications', '--version', '1', '--lines', '-4', '--db', join(dir, 'gate.db')], [/\(flags\): change\.linesChanged: Too small/]],
      [['similar', '--request', corpus('request-negative.json'), '--db', join(dir, 'h.db')], [/request-negative\.json:2/]],
      [['gate', '--service', 'notifications', '--version', '1', '--wait', 'soon', '--db', join(dir, 'gate.db')], [/--wait: "soon" is not a duration/]],
    ];
    for (const [args, messages] of cases) {
      const r = await run(args);
      TRIED.inputs += 1;
      expect(r.code, args.join(' ')).toBe(2);
      for (const m of messages) expect(r.stderr).toMatch(m);
    }
  });

  it('replay: a fixture with bad and refused lines still replays; the rejects are quarantined', async () => {
    const lines = readFileSync('fixtures/replay-small.ndjson', 'utf8').split('\n');
    const request = JSON.parse(lines.find((l) => l.startsWith('{"type":"request"'))!) as { request: Record<string, unknown> };
    lines.splice(2, 0, '{"type":"request","request":{"id":"broken"}}', 'not json at all', JSON.stringify({ type: 'request', request: { ...request.request, id: 'ghost-1', serviceId: 'ghost' } }));
    const file = join(dir, 'fixture.ndjson');
    writeFileSync(file, lines.join('\n'));
    const db = join(dir, 'replay.db');
    const r = await run(['replay', file, '--db', db]);
    TRIED.inputs += 3;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/replayed 60 deployments/);
    expect(r.stderr).toMatch(/fixture\.ndjson:3: request\.serviceId/);
    expect(r.stderr).toMatch(/fixture\.ndjson:4: \(syntax\)/);
    expect(r.stderr).toMatch(/request ghost-1 refused: unknown service "ghost"/);
    const q = await run(['quarantine', 'list', '--db', db, '--json']);
    expect(q.stdout.trim().split('\n')).toHaveLength(3 + 4); // line 3 has 4 problems (missing fields)
  });
});
