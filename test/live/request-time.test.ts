// A request's time is the engine's, not its sender's: a freeze window in force now blocks a request that
// claims to have been made last week (or in 2099), and the deployment records when the engine took it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openLiveEngine } from '../../source/commands/live-engine.js';
import type { LiveEngine } from '../../source/commands/live-engine.js';
import { Submissions } from '../../source/store/submissions.js';
import { request } from '../helpers/builders.js';
import { waitFor } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
let live: LiveEngine;

beforeAll(async () => {
  const config = join(dir, 'config.json');
  // A freeze in force now, and only around now: from the start of this UTC hour, today's date, for two hours.
  const now = new Date();
  const cron = `0 ${now.getUTCHours()} ${now.getUTCDate()} ${now.getUTCMonth() + 1} *`;
  writeFileSync(config, JSON.stringify({ live: { pollMs: 10 }, policies: { freezeWindows: [{ id: 'frozen-now', cron, durationMinutes: 120, timezone: 'UTC', reason: 'frozen now' }] } }));
  live = await openLiveEngine({ db: join(dir, 'time.db'), catalog: 'fixtures/catalog.yaml', config }, () => undefined);
  live.runner.start();
});

afterAll(() => {
  live.runner.stop();
  live.ctx.close();
});

describe('the request time', () => {
  it('is when the engine took the request: a claimed past or future time does not walk through a freeze', async () => {
    const submissions = new Submissions(live.ctx.db);
    const before = Date.now();
    for (const [id, requestedAt] of [['t-past', '2020-01-01T00:00:00Z'], ['t-future', '2099-01-06T10:00:00Z'], ['t-now', new Date().toISOString()]] as const) {
      submissions.submit(request({ id, serviceId: 'notifications', requestedAt }), Date.now(), Date.now() + 60_000);
    }
    await waitFor(() => ['t-past', 't-future', 't-now'].every((id) => live.engine.get(id)?.outcome));
    for (const id of ['t-past', 't-future', 't-now']) {
      const d = live.engine.get(id);
      expect(d?.outcome, id).toBe('blocked');
      expect(d?.reason, id).toContain('frozen-now');
      const at = Date.parse(d?.request.requestedAt ?? '');
      expect(at).toBeGreaterThanOrEqual(before - 1);
      expect(at).toBeLessThanOrEqual(Date.now());
    }
  });
});
