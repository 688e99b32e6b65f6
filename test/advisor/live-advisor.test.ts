// The live engine with a model advisor at a local OpenAI-compatible server (real HTTP): every failure mode
// ends in the built-in advice with the reason audited, none changes the governed decision, a slow model does
// not hold up other work, and answers are kept whole with their hash in the chain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openLiveEngine } from '../../source/commands/live-engine.js';
import type { LiveEngine } from '../../source/commands/live-engine.js';
import { Submissions } from '../../source/store/submissions.js';
import { AdvisorAnswers } from '../../source/store/advisor-answers.js';
import { builtinAdvisor } from '../../source/domain/advisor.js';
import type { Behaviour, FakeOpenAi } from './fake-openai.js';
import { completion, startFakeOpenAi } from './fake-openai.js';
import { INJECTION } from './advisor-fixture.js';
import { request } from '../helpers/builders.js';
import { tempDir } from '../helpers/temp-db.js';
import { waitFor } from '../helpers/processes.js';
import { sha256 } from '../../source/advisor/llm-advisor.js';

const dir = tempDir();
let server: FakeOpenAi;
let live: LiveEngine;

const ok = (recommendation: string, confidence: number, evidenceIds: string[] = []): string => JSON.stringify({ recommendation, confidence, rationale: `${recommendation} because`, evidenceIds });
/** What the model answers, by the request it is asked about (found in the fenced request data). */
const SCENARIOS: Record<string, ReturnType<Behaviour>> = {
  'r-normal': { body: completion(ok('hold', 0.8)) },
  'r-slow': { delayMs: 3_000, body: completion(ok('proceed', 0.9)) },
  'r-429': { status: 429, headers: { 'retry-after': '3600' }, body: { error: { message: 'rate limited' } } },
  'r-500': { status: 500, body: { error: { message: 'boom' } } },
  'r-malformed': { body: completion('{"recommendation":"proceed",') },
  'r-schema': { body: completion(JSON.stringify({ recommendation: 'proceed', confidence: 1.5, rationale: 'x', evidenceIds: [] })) },
  'r-unknown-evidence': { body: completion(ok('proceed', 0.9, ['dep-that-was-never-given'])) },
  'r-inject': { body: completion(ok('proceed', 1)) },
};
const FAILING = ['r-slow', 'r-429', 'r-500', 'r-malformed', 'r-schema', 'r-unknown-evidence'];

beforeAll(async () => {
  server = await startFakeOpenAi(({ body }) => {
    const text = JSON.stringify(body.messages ?? '');
    const id = Object.keys(SCENARIOS).find((k) => text.includes(`\\"id\\":\\"${k}\\"`));
    return (id && SCENARIOS[id]) || { status: 400, body: { error: { message: 'unknown scenario' } } };
  });
  const config = join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      advisor: { kind: 'openai', baseUrl: server.url, model: 'fake-model', timeoutSeconds: 0.3, maxRetries: 1, retryAfterCapSeconds: 2, breaker: { failures: 100, cooldownSeconds: 60 } },
      live: { pollMs: 10 },
    }),
  );
  live = openLiveEngine({ db: join(dir, 'live.db'), catalog: 'fixtures/catalog.yaml', config }, () => undefined);
  live.runner.start();
});

afterAll(async () => {
  live.runner.stop();
  live.ctx.close();
  await server.close();
});

describe('live engine with a model advisor', () => {
  it('each failure is audited with its reason, no decision differs from the built-in advisor, a slow model holds nothing up', async () => {
    const submissions = new Submissions(live.ctx.db);
    const requests = Object.keys(SCENARIOS).map((id) =>
      request({ id, serviceId: 'notifications', requestedBy: 'ci' }, id === 'r-inject' ? { summary: INJECTION } : {}),
    );
    // What governance decides with the built-in advisor, on the same (empty) history.
    const expected = new Map(requests.map((r) => [r.id, live.engine.prepare(r).decision]));
    const now = Date.now();
    for (const r of requests) submissions.submit(r, now, now + 60_000);
    const accepted = (id: string): boolean => live.engine.get(id) !== undefined;
    await waitFor(() => requests.every((r) => accepted(r.id)), { timeoutMs: 15_000, shows: () => requests.filter((r) => !accepted(r.id)).map((r) => r.id).join(',') });

    const assessed = new Map(
      [...live.engine.audit.entries()].filter((e) => e.event === 'assessed').map((e) => [e.deploymentId ?? '', e]),
    );
    for (const id of FAILING) {
      const entry = assessed.get(id);
      const advisor = entry?.payload.advisor as { fallbackReason?: string; call?: { model: string; promptSha256: string; fallbackReason?: string } };
      expect(entry?.actor.id, id).toBe('builtin');
      expect(advisor.fallbackReason, id).toBeTruthy();
      expect(advisor.call?.model).toBe('fake-model');
      expect(advisor.call?.promptSha256).toMatch(/^[0-9a-f]{64}$/);
      const view = live.engine.get(id);
      expect(view?.assessment.decision, id).toEqual(expected.get(id));
      expect(view?.assessment.advisor.by).toBe(builtinAdvisor.name);
    }
    expect((assessed.get('r-slow')?.payload.advisor as { fallbackReason: string }).fallbackReason).toBe('timed out');
    expect((assessed.get('r-429')?.payload.advisor as { fallbackReason: string }).fallbackReason).toMatch(/429/);
    expect((assessed.get('r-unknown-evidence')?.payload.advisor as { fallbackReason: string }).fallbackReason).toMatch(/not given/);

    // The injected "proceed, confidence 1.0" is the model's answer, and governance decides as without it.
    const inject = live.engine.get('r-inject');
    expect(inject?.assessment.advisor).toMatchObject({ by: 'fake-model', recommendation: 'proceed', confidence: 1 });
    expect({ action: inject?.assessment.decision.action, plan: inject?.assessment.decision.plan }).toEqual({ action: expected.get('r-inject')?.action, plan: expected.get('r-inject')?.plan });

    // A normal answer: the model advises (it may only add caution: hold sends the deployment to a human).
    const normal = live.engine.get('r-normal');
    expect(normal?.assessment.advisor.by).toBe('fake-model');
    expect(normal?.assessment.decision.action).toBe('await_approval');
    expect(normal?.assessment.decision.reasons).toContain('advisor recommends hold');

    // The slow model did not hold up the others: they were assessed before it gave up.
    const seq = (id: string): number => assessed.get(id)?.seq ?? -1;
    for (const id of ['r-normal', 'r-500', 'r-malformed', 'r-inject']) expect(seq(id), id).toBeLessThan(seq('r-slow'));

    // The chain, with the consultations in it, verifies.
    expect(live.engine.audit.verify().ok).toBe(true);

    // Answers are kept whole (valid and invalid), found by the hash the audit entry carries.
    const answers = new AdvisorAnswers(live.ctx.db);
    for (const id of ['r-normal', 'r-malformed']) {
      const call = (assessed.get(id)?.payload.advisor as { call: { answerSha256: string } }).call;
      const row = answers.byAnswerHash(call.answerSha256);
      expect(row, id).toBeDefined();
      expect(sha256(row?.text ?? '')).toBe(call.answerSha256);
      expect(row?.valid).toBe(id === 'r-normal');
    }
  });
});
