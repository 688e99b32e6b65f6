// The hub hands out what was appended as batches shared by every subscriber: each entry once, in seq order,
// from a replay into live without a gap or a repeat; a deployment's subscribers get only its entries.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventHub } from '../../source/server/event-hub.js';
import { AuditLog } from '../../source/store/audit-log.js';
import type { AuditEntry, AuditInput } from '../../source/store/audit-log.js';
import { openDatabase } from '../../source/store/database.js';
import { tempDir } from '../helpers/temp-db.js';

const entry = (deploymentId: string | null, event = 'noted'): AuditInput => ({ ts: '2026-11-24T00:00:00.000Z', actor: { kind: 'system', id: 'test' }, event, deploymentId, payload: {} });

function setup() {
  const db = openDatabase(join(tempDir(), 'hub.db'));
  const audit = new AuditLog(db);
  return { audit, hub: new EventHub(audit) };
}

describe('EventHub', () => {
  it('one batch per flush, the same array for every subscriber; replay then live, each seq once', () => {
    const { audit, hub } = setup();
    audit.append([entry('a'), entry('b'), entry(null)]);
    const batchesA: (readonly AuditEntry[])[] = [];
    const batchesB: (readonly AuditEntry[])[] = [];
    hub.subscribe(1, (b) => void batchesA.push(b));
    hub.subscribe(0, (b) => void batchesB.push(b));
    expect(batchesA.flat().map((e) => e.seq)).toEqual([2, 3]);
    expect(batchesB.flat().map((e) => e.seq)).toEqual([1, 2, 3]);
    audit.append([entry('a'), entry('b')]);
    audit.append([entry('c')]);
    hub.flush();
    expect(batchesA.at(-1)).toBe(batchesB.at(-1)); // shared: its wire bytes are made once
    expect(batchesA.at(-1)?.map((e) => e.seq)).toEqual([4, 5, 6]);
    hub.flush();
    expect(batchesB.flat().map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("a deployment's subscribers get only its entries, replayed then live; unsubscribing stops them", () => {
    const { audit, hub } = setup();
    audit.append([entry('a'), entry('b'), entry('a')]);
    const gotA: number[] = [];
    const gotA2: (readonly AuditEntry[])[] = [];
    const stopA = hub.subscribe(0, (b) => void gotA.push(...b.map((e) => e.seq)), 'a');
    hub.subscribe(2, (b) => void gotA2.push(b), 'a');
    expect(gotA).toEqual([1, 3]);
    expect(gotA2.flat().map((e) => e.seq)).toEqual([3]);
    audit.append([entry('b'), entry('a'), entry(null), entry('a')]);
    hub.flush();
    expect(gotA).toEqual([1, 3, 5, 7]);
    expect(gotA2.at(-1)?.map((e) => e.seq)).toEqual([5, 7]);
    const before = hub.subscribers;
    stopA();
    expect(hub.subscribers).toBe(before - 1);
    audit.append([entry('a')]);
    hub.flush();
    expect(gotA).toEqual([1, 3, 5, 7]);
    expect(gotA2.flat().map((e) => e.seq)).toEqual([3, 5, 7, 8]);
  });

  it('a subscriber that answers false during its replay is not subscribed', () => {
    const { audit, hub } = setup();
    audit.append(Array.from({ length: 2_500 }, () => entry('a')));
    let pages = 0;
    hub.subscribe(0, () => {
      pages++;
      return false;
    });
    expect(pages).toBe(1);
    expect(hub.subscribers).toBe(0);
  });

  it('poke hands out once, after the current turn, everything appended in it', async () => {
    const { audit, hub } = setup();
    const batches: number[][] = [];
    hub.subscribe(0, (b) => void batches.push(b.map((e) => e.seq)));
    audit.append([entry('a')]);
    hub.poke();
    audit.append([entry('b')]);
    hub.poke();
    expect(batches).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1, 2]]);
  });

  it('pokeAfterTask hands out when the appending task ends, before the next callback of the same turn', async () => {
    const { audit, hub } = setup();
    const order: string[] = [];
    hub.subscribe(0, (b) => void order.push(`batch ${b.map((e) => e.seq).join(',')}`));
    // The engine's pass appends twice; a request read in the same turn comes next. (poke would wait for it.)
    setTimeout(() => {
      audit.append([entry('a')]);
      hub.pokeAfterTask();
      audit.append([entry('b')]);
      hub.pokeAfterTask();
      order.push('pass ends');
    }, 0);
    setTimeout(() => order.push('next callback'), 0);
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual(['pass ends', 'batch 1,2', 'next callback']);
  });

  it('onWritten is told each batch once it went to open streams, and not while none is open', () => {
    const { audit, hub } = setup();
    const written: number[][] = [];
    hub.onWritten((b) => void written.push(b.map((e) => e.seq)));
    audit.append([entry('a')]);
    hub.flush();
    expect(written).toEqual([]);
    const got: number[] = [];
    const stop = hub.subscribe(1, (b) => void got.push(...b.map((e) => e.seq)), 'b');
    audit.append([entry('b'), entry('c')]);
    hub.flush();
    expect(got).toEqual([2]);
    expect(written).toEqual([[2, 3]]);
    stop();
    audit.append([entry('b')]);
    hub.flush();
    expect(written).toEqual([[2, 3]]);
  });
});
