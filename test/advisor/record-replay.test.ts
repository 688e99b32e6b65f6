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

describe('record with a model, replay without it', () => {
  it('writes the answers and replays them deterministically, offline', async () => {
    const config = join(dir, 'model.json');
    writeFileSync(config, JSON.stringify({ advisor: { kind: 'openai', baseUrl: server.url, model: 'fake-llm', timeoutSeconds: 2, maxRetries: 0 } }));
    const out = join(dir, 'with-model.ndjson');
    expect(await recordCommand({ count: 40, seed: 3, services: 6, out, config }, quiet)).toBe(0);
    const fixture = parseFixture(out, readFileSync(out, 'utf8'));
    expect(fixture.problems).toEqual([]);
    expect(fixture.advice?.length).toBe(40);
    const asked = server.requests.length;
    await server.close(); // no model at hand from here on

    const first = fromFixture(out, DEFAULT_CONFIG);
    const second = fromFixture(out, DEFAULT_CONFIG);
    expect(second.deployments).toEqual(first.deployments);
    const session = openReplay(out, { db: join(dir, 'replay.db'), paused: false }, quiet);
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
  });
});
