// Requests over HTTP take the engine's queue, as a local gate's do: a model advisor assesses them (outside the
// write transaction), the deployment says it came from the API, and a request submitted `watch: true` is
// withdrawn once its client stops sending keep-alives, as a killed local gate's is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openLiveEngine } from '../../source/commands/live-engine.js';
import type { LiveEngine } from '../../source/commands/live-engine.js';
import { buildServer } from '../../source/server/app.js';
import type { Server } from '../../source/server/app.js';
import { SubmissionQueue } from '../../source/server/submission-queue.js';
import { Submissions } from '../../source/store/submissions.js';
import { TokenStore } from '../../source/store/tokens.js';
import { completion, startFakeOpenAi } from '../advisor/fake-openai.js';
import type { FakeOpenAi } from '../advisor/fake-openai.js';
import { waitFor } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
let model: FakeOpenAi;
let live: LiveEngine;
let server: Server;
let base = '';
const secrets: Record<string, string> = {};

const body = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  serviceId: 'notifications',
  version: '2.0.0',
  change: { linesChanged: 40, filesChanged: 3, dbMigration: false, configChange: false, hotfix: false, summary: 'queue test' },
  ...extra,
});

async function call(method: string, path: string, token: string, payload?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(payload !== undefined ? { body: JSON.stringify(payload) } : {}) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  // The model holds everything: a human must approve, so deployments stay in flight while the test watches them.
  model = await startFakeOpenAi(() => ({ delayMs: 150, body: completion(JSON.stringify({ recommendation: 'hold', confidence: 0.8, rationale: 'hold: a test model', evidenceIds: [] })) }));
  const config = join(dir, 'config.json');
  // A slow poll: the queue must wake the loop, not wait for it.
  writeFileSync(config, JSON.stringify({ advisor: { kind: 'openai', baseUrl: model.url, model: 'queue-model', timeoutSeconds: 5, maxRetries: 0 }, live: { pollMs: 5_000 } }));
  live = openLiveEngine({ db: join(dir, 'queue.db'), catalog: 'fixtures/catalog.yaml', config }, () => undefined);
  live.runner.start();
  const tokens = new TokenStore(live.ctx.db);
  for (const name of ['ci-a', 'ci-b']) secrets[name] = tokens.create(name, 'requester', null, 'test', Date.now()).secret;
  const queue = new SubmissionQueue({ submissions: new Submissions(live.ctx.db), wake: () => live.runner.wake(), view: (id) => live.engine.get(id), isReady: () => true, windowMs: 3_000 });
  live.runner.onSettled = (id) => queue.settled(id);
  server = await buildServer({ engine: live.engine, tokens, clock: { now: () => Date.now() }, isReady: () => true, queue });
  base = await server.app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await server.close();
  live.runner.stop();
  live.ctx.close();
  await model.close();
});

describe('submissions over HTTP go through the engine queue', () => {
  it('the model advisor assesses them, the row says "api", and the answer comes without waiting for the poll', async () => {
    const started = Date.now();
    const res = await call('POST', '/v1/deployments', secrets['ci-a'] as string, body('q-1'));
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ id: 'q-1', requestedBy: 'ci-a', state: 'awaiting_approval' });
    // The loop polls every 5 s; woken by the queue and by the model's answer, it answers long before that.
    expect(Date.now() - started).toBeLessThan(3_000);
    const assessed = live.engine.audit.forDeployment('q-1').find((e) => e.event === 'assessed');
    expect(JSON.stringify(assessed?.payload)).toContain('queue-model');
    expect(model.requests.length).toBe(1);
    expect(live.ctx.db.prepare('SELECT source FROM deployments WHERE id = ?').pluck().get('q-1')).toBe('api');
  });

  it('a duplicate id and an unknown service are refused with 409 and the reason', async () => {
    expect((await call('POST', '/v1/deployments', secrets['ci-a'] as string, body('q-1'))).json.message).toBe('deployment "q-1" already exists: choose a new id');
    const unknown = await call('POST', '/v1/deployments', secrets['ci-a'] as string, body('q-2', { serviceId: 'no-such-service' }));
    expect(unknown.status).toBe(409);
    expect(unknown.json.message).toBe('unknown service "no-such-service"');
    expect([...live.engine.audit.entries()].some((e) => e.event === 'submission_refused' && e.payload.requestId === 'q-2')).toBe(true);
  });

  it('watched: kept alive it stays; silent it is withdrawn (gate_gone); only its requester may keep it alive', async () => {
    expect((await call('POST', '/v1/deployments', secrets['ci-a'] as string, body('q-kept', { watch: true }))).status).toBe(201);
    const answers: number[] = [];
    const beats = setInterval(() => void call('POST', '/v1/deployments/q-kept/keepalive', secrets['ci-a'] as string, {}).then((r) => answers.push(r.status)), 300);
    try {
      expect((await call('POST', '/v1/deployments', secrets['ci-a'] as string, body('q-silent', { watch: true }))).status).toBe(201);
      const foreign = await call('POST', '/v1/deployments/q-kept/keepalive', secrets['ci-b'] as string, {});
      expect(foreign.status).toBe(403);
      expect(foreign.json.message).toBe('"q-kept" was requested by someone else; only its requester may keep it alive');
      await waitFor(() => live.engine.get('q-silent')?.outcome === 'withdrawn', { timeoutMs: 12_000, shows: () => live.engine.get('q-silent')?.state ?? '?' });
      expect(live.engine.audit.forDeployment('q-silent').some((e) => e.event === 'gate_gone')).toBe(true);
      expect(answers.length).toBeGreaterThan(2);
      expect(new Set(answers)).toEqual(new Set([200]));
      expect(live.engine.get('q-kept')?.outcome).toBeNull();
      expect(live.engine.get('q-kept')?.state).toBe('awaiting_approval');
    } finally {
      clearInterval(beats);
    }
    // Not watched (q-1): a keep-alive is refused with what it is not.
    expect((await call('POST', '/v1/deployments/q-1/keepalive', secrets['ci-a'] as string, {})).status).toBe(409);
  });
});
