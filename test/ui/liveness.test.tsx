// An attached console knows whether its engine is alive: lease age, and a STALE or GONE badge.
import { afterEach, describe, expect, it } from 'vitest';
import { LEASE_MS } from '../../source/store/lease.js';
import { GONE_AFTER_MS, livenessOf } from '../../source/ui/liveness.js';
import { cleanupSized, consoleSession, renderConsole, settle } from '../helpers/console-harness.js';
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
});
