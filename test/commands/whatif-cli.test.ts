// whatif and evaluate as commands (the built CLI): usage errors exit 2 with a message naming what is missing;
// an unset API key variable is an error naming the configuration field.
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();

describe('whatif and evaluate on the command line', () => {
  it('whatif without --config: exit 2, naming the flag', async () => {
    const r = await run(['whatif', 'fixtures/replay-week.ndjson']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/whatif needs --config/);
  });

  it('whatif on the week fixture, --json, exit 0', async () => {
    const r = await run(['whatif', 'fixtures/replay-week.ndjson', '--config', 'fixtures/whatif-stricter.yaml', '--json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { summary: { deployments: number } }).summary.deployments).toBe(200);
  });

  it('evaluate with an API key variable that is not set: exit 2 naming advisor.apiKeyEnv', async () => {
    const config = join(dir, 'model.yaml');
    writeFileSync(config, 'advisor:\n  kind: openai\n  baseUrl: http://127.0.0.1:9/v1\n  model: m\n  apiKeyEnv: GENOPS_TEST_UNSET_KEY\n');
    const r = await run(['evaluate', 'fixtures/replay-week.ndjson', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/model\.yaml: advisor\.apiKeyEnv: environment variable GENOPS_TEST_UNSET_KEY is not set/);
  });

  it('a bad advisor section: exit 2 naming the field', async () => {
    const config = join(dir, 'bad.yaml');
    writeFileSync(config, 'advisor:\n  kind: openai\n  baseUrl: not a url\n  model: m\n');
    const r = await run(['evaluate', 'fixtures/replay-week.ndjson', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml.*advisor\.baseUrl/);
  });
});
