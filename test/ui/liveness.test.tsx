// An attached console knows whether its engine is alive: lease age, and a STALE or GONE badge.
import { afterEach, describe, expect, it } from 'vitest';
import { LEASE_MS } from '../../source/store/lease.js';
import { GONE_AFTER_MS, livenessOf } from '../../source/ui/liveness.js';
import { cleanupSized, consoleSession, KEYS, press, renderConsole, renderSized, settle, stepUntil } from '../helpers/console-harness.js';
import { App } from '../../source/ui/app.js';
import { ConsoleModel } from '../../source/ui/console-model.js';
import type { ConsoleEngine } from '../../source/ui/console-engine.js';
import { ActionRefused } from '../../source/engine/engine.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
const sessions: Array<{ close(): void }> = [];
afterEach(() => {
  cleanupSized();
  for (const s of sessions.splice(0)) s.close();
});

const holder = (expiresAt: number, pid = 4242) => ({ holder: 'engine-host:4242:abc', pid, host: 'engine-host', expiresAt });

describe('engine liveness', () => {
  it('alive while the lease runs, stale once it expires, gone after a minute, with no lease, or when its process is dead', () => {
    const now = 1_000_000;
    expect(livenessOf(holder(now + LEASE_MS - 1200), now)).toEqual({ state: 'alive', ageMs: 1200 });
    expect(livenessOf(holder(now - 1), now)).toEqual({ state: 'stale', ageMs: LEASE_MS + 1 });
    expect(livenessOf(holder(now - GONE_AFTER_MS - 1), now).state).toBe('gone');
    expect(livenessOf(undefined, now)).toEqual({ state: 'gone', ageMs: undefined });
    expect(livenessOf(holder(now + LEASE_MS), now, () => false).state).toBe('gone');
  });

  it('the header shows the lease age, then STALE or GONE', async () => {
    const s = consoleSession(dir, 'liveness.db');
    sessions.push(s);
    let live = { state: 'alive' as 'alive' | 'stale' | 'gone', ageMs: 1200 as number | undefined };
    s.model.liveness = () => live;
    const { lastFrame } = renderConsole(s, { size: { columns: 120, rows: 40 } });
    await settle();
    expect(lastFrame()).toContain('engine ● alive 1.2s');
    live = { state: 'stale', ageMs: 12_000 };
    s.model.changed();
    await settle();
    expect(lastFrame()).toContain('engine STALE 12s ⚠');
    live = { state: 'gone', ageMs: undefined };
    s.model.changed();
    await settle();
    expect(lastFrame()).toContain('engine GONE ⚠');
  });

  it('an approval asked while the engine is not answering says, before it is sent, that it will be withdrawn if not taken', async () => {
    const s = consoleSession(dir, 'liveness-warning.db');
    sessions.push(s);
    stepUntil(s, (ds) => ds.some((d) => d.state === 'awaiting_approval'));
    const gated = s.engine.deployments.find((d) => d.state === 'awaiting_approval')!;
    s.model.liveness = () => ({ state: 'stale', ageMs: 30_000 });
    const { stdin, lastFrame } = renderConsole(s, { size: { columns: 120, rows: 40 } });
    await settle();
    await press(stdin, 'g');
    while (!(lastFrame() ?? '').includes(`› ${gated.id}`)) await press(stdin, 'j');
    await press(stdin, 'a');
    expect(lastFrame()).toContain(`Approve ${gated.id}?`);
    expect(lastFrame()).toContain('⚠ the engine is not answering: a decision not taken is withdrawn, never applied later');
    s.model.liveness = () => ({ state: 'alive', ageMs: 100 });
    s.model.changed();
    await settle();
    expect(lastFrame()).not.toContain('the engine is not answering');
  });
});

describe('a decision sent while no engine answers', () => {
  it('shows as pending with its deadline, and when no engine took it, the console says it was withdrawn', async () => {
    const s = consoleSession(dir, 'pending.db');
    sessions.push(s);
    stepUntil(s, (ds) => ds.some((d) => d.state === 'awaiting_approval'));
    const gated = s.engine.deployments.find((d) => d.state === 'awaiting_approval')!;
    // The session's engine, answering approvals as an attached engine whose queue nobody reads.
    let refuse: (e: Error) => void = () => undefined;
    const engine = Object.create(s.engine, {
      answerWithinMs: { value: 10_000 },
      approve: { value: () => new Promise((_resolve, reject) => (refuse = reject)) },
    }) as ConsoleEngine;
    const model = new ConsoleModel(engine, undefined, { speed: 1, paused: false });
    const size = { columns: 200, rows: 40 };
    const { stdin, lastFrame } = renderSized(<App model={model} operator="olga" readonly={false} theme={{ color: false, ascii: false }} autonomy="GOVERNED" slo={s.slo} autoplay={false} frameMs={0} size={size} />, size);
    await settle();
    await press(stdin, 'g');
    while (!(lastFrame() ?? '').includes(`› ${gated.id}`)) await press(stdin, 'j');
    await press(stdin, 'a');
    if (lastFrame()?.includes('[ Cancel ]')) await press(stdin, KEYS.right);
    await press(stdin, KEYS.enter);
    expect(lastFrame()).toMatch(new RegExp(`1 pending: approve ${gated.id} sent \\d+s ago, refused if not applied by \\d\\d:\\d\\d:\\d\\dZ \\(\\d+s\\)`));
    refuse(new ActionRefused('no engine answered within 10 s: the approve was withdrawn and will not be applied'));
    await settle();
    expect(lastFrame()).toContain('no engine answered within 10 s: the approve was withdrawn and will not be applied');
    expect(lastFrame()).not.toContain('pending:');
    expect(model.pending).toEqual([]);
  });
});
