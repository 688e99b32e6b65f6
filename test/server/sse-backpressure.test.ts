// A subscriber that stops reading is cut off once too much is queued for it (the server's memory is not
// its buffer), with a last comment saying so; a subscriber that reads is not held up meanwhile; the one cut
// off resumes from the last id it read and gets every entry exactly once.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { readEvents } from '../../source/client/sse-reader.js';
import type { AuditEntry } from '../../source/store/audit-log.js';
import { servedEngine } from './harness.js';

const s = await servedEngine('sse-backpressure');
const BIG = 'x'.repeat(8_000);
const COUNT = 3_000; // 24 MB: more than the 4 MiB limit plus what the kernel's socket buffers hold

describe('a slow event-stream subscriber', () => {
  it('is cut off with a clear end, does not hold the others, and resumes without a gap or a repeat', async () => {
    const token = s.secrets.viewer.valid!;
    const start = s.engine.audit.count();
    // The slow one: a raw connection that reads nothing until it has been cut off.
    const socket = connect(new URL(s.base).port ? Number(new URL(s.base).port) : 80, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write(`GET /v1/events?after=${start} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${token}\r\n\r\n`);
    socket.pause();
    const received: Buffer[] = [];
    const ended = new Promise<void>((r) => socket.once('end', () => r()));
    socket.on('data', (d: Buffer) => received.push(d));
    socket.pause();
    // A reader that keeps up, counting what it sees.
    const controller = new AbortController();
    const res = await fetch(`${s.base}/v1/events?after=${start}`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
    const fast: number[] = [];
    const reading = (async () => {
      for await (const e of readEvents(res.body!, controller.signal)) {
        fast.push(Number(e.id));
        if (fast.length === COUNT) return;
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    const subscribed = s.server.ctx.hub.subscribers;
    for (let i = 0; i < COUNT; i += 100) {
      s.server.ctx.append(Array.from({ length: 100 }, () => ({ ts: new Date().toISOString(), actor: { kind: 'system' as const, id: 'test' }, event: 'noted', deploymentId: null, payload: { pad: BIG } })));
      await new Promise((r) => setImmediate(r));
    }
    await reading;
    controller.abort();
    expect(fast).toEqual(Array.from({ length: COUNT }, (_, i) => start + 1 + i));
    // The slow one was dropped from the hub; reading now, it gets what was queued, then the end.
    expect(s.server.ctx.hub.subscribers).toBeLessThan(subscribed);
    socket.resume();
    await ended;
    const text = Buffer.concat(received).toString('utf8');
    expect(text).toContain('too far behind');
    const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.length).toBeLessThan(COUNT);
    expect(ids).toEqual(ids.map((_, i) => start + 1 + i));
    // Resuming from its last id: the rest, exactly once.
    const again = await fetch(`${s.base}/v1/events`, { headers: { authorization: `Bearer ${token}`, 'last-event-id': String(ids.at(-1)) } });
    const rest: AuditEntry[] = [];
    const c2 = new AbortController();
    for await (const e of readEvents(again.body!, c2.signal)) {
      rest.push(JSON.parse(e.data) as AuditEntry);
      if (rest.length === COUNT - ids.length) break;
    }
    c2.abort();
    expect([...ids, ...rest.map((e) => e.seq)]).toEqual(fast);
  }, 60_000);
});
