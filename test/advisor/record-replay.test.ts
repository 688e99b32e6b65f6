// record with a model: its answers go into the fixture by prompt hash, and a replay with no model at hand
// decides exactly as the recording did (every prompt answered from the fixture, none by the fallback).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordCommand } from '../../source/commands/record.js';
import { parseFixture } from '../../source/sources/fixture.js';
import { fromFixture } from '../../source/report/whatif-sources.js';
import { DEFAULT_CONFIG } from '../../source/domain/config.js';
import { openReplay } from '../../source/commands/console.js';
import { whatifCommand } from '../../source/commands/whatif.js';
import type { FakeOpenAi } from './fake-openai.js';
import { completion, startFakeOpenAi } from './fake-openai.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
let server: FakeOpenAi;
const quiet = { out: () => undefined, err: () => undefined } as never;

beforeAll(async () => {
  server = await startFakeOpenAi(({ body }) => {
    // A deterministic "model": holds when the change touches the schema or a migration is in the prompt.
    const text = JSON.stringify(body.messages);
    const hold = text.includes('db migration yes') || /schema/.test(text);
    return { body: completion(JSON.stringify({ recommendation: hold ? 'hold' : 'proceed', confidence: 0.8, rationale: hold ? 'risky change' : 'routine', evidenceIds: [] })) };
  });
});
afterAll(async () => {
  await server.close();
});

function writeJson(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

describe('record with a model, replay without it', () => {
  it('writes the answers and replays them deterministically, offline', async () => {
    const config = join(dir, 'model.json');
    writeFileSync(config, JSON.stringify({ advisor: { kind: 'openai', baseUrl: server.url, model: 'fake-llm', timeoutSeconds: 2, maxRetries: 0 } }));
    const fixtureFile = join(dir, 'with-model.ndjson');
    expect(await recordCommand({ count: 40, seed: 3, services: 6, out: fixtureFile, config }, quiet)).toBe(0);
    const fixture = parseFixture(fixtureFile, readFileSync(fixtureFile, 'utf8'));
    expect(fixture.problems).toEqual([]);
    expect(fixture.advice?.length).toBe(40);
    const asked = server.requests.length;
    await server.close(); // no model at hand from here on

    const first = fromFixture(fixtureFile, DEFAULT_CONFIG);
    const second = fromFixture(fixtureFile, DEFAULT_CONFIG);
    expect(second.deployments).toEqual(first.deployments);
    const session = openReplay(fixtureFile, { db: join(dir, 'replay.db'), paused: false }, quiet);
    const source = session.model.source;
    source?.replay.advanceTo(source.replay.endMs + 30 * 86_400_000);
    const views = session.engine.deployments;
    session.close();
    expect(views).toHaveLength(40);
    expect(views.every((d) => d.assessment.advisor.by === 'fake-llm' && d.assessment.advisor.fallbackReason === undefined)).toBe(true);
    // The model's holds reached decisions (and only added caution).
    const held = views.filter((d) => d.assessment.advisor.recommendation === 'hold');
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((d) => d.assessment.decision.action !== 'proceed')).toBe(true);
    expect(asked).toBeGreaterThanOrEqual(40);

    // whatif on it, still offline: the recorded answers decide both sides, and every recorded decision is reproduced.
    const out: string[] = [];
    await whatifCommand(fixtureFile, { config: writeJson('same.json', {}), json: true }, { out: (l: string) => out.push(l), err: () => undefined } as never);
    const report = JSON.parse(out.join('\n')) as { fidelity: { compared: number; same: number }; summary: { moved: unknown[] } };
    expect(report.fidelity).toEqual({ compared: 40, same: 40 });
    expect(report.summary.moved).toEqual([]);
  });
});
