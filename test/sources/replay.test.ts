import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFixture, FixtureMetricSource } from '../../source/sources/fixture.js';
import { Replay } from '../../source/sources/replay.js';
import { simulate } from '../../source/sources/simulator.js';
import { config } from '../helpers/builders.js';
import { harness } from '../helpers/engine-harness.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();

describe('replay', () => {
  const fixture = parseFixture('fixtures/replay-small.ndjson', readFileSync('fixtures/replay-small.ndjson', 'utf8'));

  it('reads the bundled fixture without a problem', () => {
    expect(fixture.problems).toEqual([]);
    expect(fixture.requests).toHaveLength(60);
    expect(fixture.services).toHaveLength(8);
  });

  it('replaying a recording reproduces the recorded run, outcome for outcome', () => {
    const h = harness(dir, 'replay.db', fixture.services, config(), new FixtureMetricSource(fixture.samples), Date.parse(fixture.requests[0]!.requestedAt));
    const replay = new Replay(fixture, h.engine, h.clock);
    replay.advanceTo(replay.endMs + 7 * 86_400_000);
    expect(h.engine.deployments.filter((d) => d.outcome === null).map((d) => `${d.id} ${d.state} ${d.reason}`)).toEqual([]);
    expect(replay.done).toBe(true);
    const original = simulate({ seed: 1, count: 60, services: 8, autonomy: 'GOVERNED', dbPath: join(dir, 'orig.db') });
    const outcomes = (ds: Array<{ id: string; outcome: string | null }>) => Object.fromEntries(ds.map((d) => [d.id, d.outcome]).sort());
    expect(outcomes(h.engine.deployments)).toEqual(outcomes(original.deployments));
    expect(h.engine.audit.verify().ok).toBe(true);
  });

  it('reports a malformed fixture line with its number and keeps the rest', () => {
    const lines = readFileSync('fixtures/replay-small.ndjson', 'utf8').split('\n');
    lines.splice(3, 0, '{"type":"request","request":{"id":"x"}}', '{"type":"bogus"}');
    const broken = parseFixture('f.ndjson', lines.join('\n'));
    expect(broken.requests).toHaveLength(60);
    expect(broken.problems.map((p) => p.line)).toEqual(expect.arrayContaining([4, 5]));
  });
});
