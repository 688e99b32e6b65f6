// `genops-tui assess` with a model configured (the built CLI, a local OpenAI-compatible server): the model's
// advice and its consultation are in the assessment; with the server gone, the built-in advisor stands in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeOpenAi } from './fake-openai.js';
import { answer, startFakeOpenAi } from './fake-openai.js';
import { run } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
let server: FakeOpenAi;
let config = '';

beforeAll(async () => {
  server = await startFakeOpenAi(() => answer({ recommendation: 'hold', confidence: 0.66, rationale: 'looks risky to me', evidenceIds: [] }));
  config = join(dir, 'model.yaml');
  writeFileSync(config, `advisor:\n  kind: openai\n  baseUrl: ${server.url}\n  model: cli-model\n  maxRetries: 0\n  timeoutSeconds: 2\n`);
});
afterAll(async () => {
  await server.close();
});

const args = () => ['assess', '--catalog', 'fixtures/catalog.yaml', '--request', 'fixtures/requests/notifications-low.json', '--config', config, '--json'];

describe('assess with a model', () => {
  it('the model advises, governed as usual, and the consultation is recorded', async () => {
    const r = await run(args());
    expect(r.code, r.stderr).toBe(0);
    const a = JSON.parse(r.stdout) as { advisor: { by: string; recommendation: string; call: { model: string; promptSha256: string } }; decision: { action: string; reasons: string[] } };
    expect(a.advisor).toMatchObject({ by: 'cli-model', recommendation: 'hold', call: { model: 'cli-model' } });
    expect(a.decision.action).toBe('await_approval');
    expect(a.decision.reasons).toContain('advisor recommends hold');
  });

  it('no model at the address: the built-in advisor stands in and says why', async () => {
    const gone = join(dir, 'gone.yaml');
    writeFileSync(gone, 'advisor:\n  kind: openai\n  baseUrl: http://127.0.0.1:9/v1\n  model: m\n  maxRetries: 0\n  timeoutSeconds: 2\n');
    const r = await run(['assess', '--catalog', 'fixtures/catalog.yaml', '--request', 'fixtures/requests/notifications-low.json', '--config', gone]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Advisor \(builtin\)/);
    expect(r.stdout).toMatch(/fallback: connection failed/);
  });
});
