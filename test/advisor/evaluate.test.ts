// evaluate: a model in shadow over the week fixture, against a local OpenAI-compatible server. An oracle model
// (it "knows" which deployments failed) scores precision and recall of 100%; a model that only fails to
// answer scores exactly what the built-in advisor scores, with every fallback counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateCommand } from '../../source/commands/evaluate.js';
import { fromFixture } from '../../source/report/whatif-sources.js';
import { DEFAULT_CONFIG } from '../../source/domain/config.js';
import { isFailure } from '../../source/domain/evidence.js';
import type { AdvisorEvaluation } from '../../source/report/advisor-evaluation.js';
import type { FakeOpenAi } from './fake-openai.js';
import { completion, startFakeOpenAi } from './fake-openai.js';
import { tempDir } from '../helpers/temp-db.js';

const WEEK = 'fixtures/replay-week.ndjson';
const dir = tempDir();
const failed = new Set(fromFixture(WEEK, DEFAULT_CONFIG).deployments.filter((d) => d.outcome && isFailure(d.outcome)).map((d) => d.request.id));
let server: FakeOpenAi;

beforeAll(async () => {
  server = await startFakeOpenAi();
});
afterAll(async () => {
  await server.close();
});

async function evaluate(extra: Record<string, unknown> = {}): Promise<AdvisorEvaluation & { source: string }> {
  const config = join(dir, `c${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(config, JSON.stringify({ advisor: { kind: 'openai', baseUrl: server.url, model: 'oracle', timeoutSeconds: 2, maxRetries: 0, breaker: { failures: 1000, cooldownSeconds: 60 }, ...extra } }));
  const out: string[] = [];
  const code = await evaluateCommand(WEEK, { config, json: true, md: false }, { out: (l: string) => out.push(l), err: () => undefined } as never);
  expect(code).toBe(0);
  return JSON.parse(out.join('\n')) as AdvisorEvaluation & { source: string };
}

describe('evaluate', () => {
  it('an oracle model: precision and recall 100%, latency and tokens reported', async () => {
    server.setDefault(({ body }) => {
      const text = JSON.stringify(body.messages);
      const id = /\\"id\\":\\"(dep-\d+)\\"/.exec(text)?.[1] ?? '';
      const hold = failed.has(id);
      return { body: completion(JSON.stringify({ recommendation: hold ? 'hold' : 'proceed', confidence: 0.9, rationale: hold ? 'it will fail' : 'fine', evidenceIds: [] })) };
    });
    const e = await evaluate();
    expect(e.failures).toBe(failed.size);
    expect(e.model.holds).toBe(failed.size);
    expect(e.model.precision?.rate).toBe(1);
    expect(e.model.recall?.rate).toBe(1);
    expect(e.model.recall?.low).toBeLessThan(1); // a Wilson interval, not a point
    expect(e.calls).toMatchObject({ total: e.deployments, answered: e.deployments, fallbacks: 0 });
    expect(e.calls.tokens).toEqual({ prompt: 321 * e.deployments, completion: 42 * e.deployments, perCall: 363 });
    expect(e.calls.latencyMs?.p50).toBeGreaterThanOrEqual(0);
    // The oracle held every failure: those the built-in advisor missed are the model's alone.
    expect(e.differences.failuresOnlyBuiltinHeld).toEqual([]);
    expect(e.differences.failuresOnlyModelHeld).toHaveLength(failed.size - e.builtin.heldFailures);
    expect(e.differences.successesOnlyModelHeld).toBe(0);
  });

  it('a model that only returns 500s: every call falls back, and it scores what the built-in advisor scores', async () => {
    server.setDefault(() => ({ status: 500, body: { error: { message: 'down' } } }));
    const e = await evaluate();
    expect(e.calls.fallbacks).toBe(e.deployments);
    expect(e.calls.fallbackReasons).toEqual([{ reason: 'HTTP N', count: e.deployments }]);
    expect(e.model).toEqual(e.builtin);
    expect(e.differences).toEqual({ failuresOnlyModelHeld: [], failuresOnlyBuiltinHeld: [], successesOnlyModelHeld: 0, successesOnlyBuiltinHeld: 0 });
    expect(e.agreement.rate).toBe(1);
    expect(e.builtin.holds).toBeGreaterThan(0);
  });
});
