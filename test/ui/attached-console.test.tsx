// The live console attached to an engine another process runs: it shows that engine's deployments, and an
// approval by key travels through the engine's queue and comes back.
import { afterEach, describe, expect, it } from 'vitest';
import { AttachedEngine } from '../../source/engine/attached-engine.js';
import { LiveRunner } from '../../source/engine/live-runner.js';
import { SimulatedMetricSource } from '../../source/metrics/simulated-source.js';
import { openDatabase } from '../../source/store/database.js';
import { Lease } from '../../source/store/lease.js';
import { Submissions } from '../../source/store/submissions.js';
import { App } from '../../source/ui/app.js';
import { ConsoleModel } from '../../source/ui/console-model.js';
import { config, request, service } from '../helpers/builders.js';
import { cleanupSized, KEYS, press, renderSized } from '../helpers/console-harness.js';
import { harness, T0 } from '../helpers/engine-harness.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
afterEach(() => cleanupSized());

describe('attached console', () => {
  it('approves by key through the running engine', async () => {
    const h = harness(dir, 'attached-ui.db', [service({ id: 'svc', tier: 'low' })], config(), new SimulatedMetricSource({ seed: 1, defects: new Map(), providerErrorRate: 0, gapRate: 0 }));
    new Lease(h.db, 'engine', 'test').acquire(h.clock.now());
    const runner = new LiveRunner({ engine: h.engine, submissions: new Submissions(h.db), lease: new Lease(h.db, 'engine', 'test'), clock: h.clock, pollMs: 1_000, log: () => undefined });
    h.engine.submit(request({ requestedAt: new Date(T0).toISOString(), requestedBy: 'ci-bot' }, { dbMigration: true }));
    const db = openDatabase(h.path);
    const model = new ConsoleModel(new AttachedEngine(db, h.catalog, config(), h.clock), undefined, { speed: 1, paused: false });
    model.attachedTo = 'engine-host (pid 4242)';
    const size = { columns: 200, rows: 40 };
    const { lastFrame, stdin } = renderSized(
      <App model={model} operator="dave" readonly={false} theme={{ color: false, ascii: false }} autonomy="GOVERNED" slo={{ errorRate: 0.01, p99Ms: 500 }} autoplay={false} frameMs={0} size={size} />,
      size,
    );
    expect(lastFrame()).toContain('LIVE');
    expect(lastFrame()).toContain('attached to engine-host (pid 4242)');
    expect(lastFrame()).toContain('awaiting,');
    await press(stdin, 'a');
    expect(lastFrame()).toContain('Approve req-1?');
    if (lastFrame()?.includes('[ Cancel ]')) await press(stdin, KEYS.right);
    await press(stdin, KEYS.enter);
    expect(lastFrame()).toContain('sent approve of req-1 (svc 1.0.0) to the engine; waiting for its answer');
    expect(lastFrame()).toContain('1 pending: approve req-1 sent');
    expect(lastFrame()).toMatch(/refused if not applied by \d\d:\d\d:\d\dZ \(\d+s\)/);
    runner.step(); // the engine's next pass applies it
    runner.stop(false);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(lastFrame()).toContain('approved req-1 (svc 1.0.0) as dave');
    expect(lastFrame()).not.toContain('pending:');
    expect(lastFrame()).toContain('canary');
    expect(h.engine.get('req-1')?.decidedBy).toBe('dave');
    db.close();
  });
});
