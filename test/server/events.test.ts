// The event stream: ids are audit seqs; a client that drops mid-canary and reconnects with Last-Event-ID
// sees every entry exactly once, in order, whatever happened while it was away.
import { describe, expect, it } from 'vitest';
import { readEvents } from '../../source/client/sse-reader.js';
import type { AuditEntry } from '../../source/store/audit-log.js';
import { servedEngine, submission } from './harness.js';

const s = await servedEngine('events', { heartbeatMs: 50 });

async function collect(path: string, token: string, lastEventId: string | undefined, until: (e: AuditEntry) => boolean): Promise<AuditEntry[]> {
  const controller = new AbortController();
  const res = await fetch(`${s.base}${path}`, { headers: { authorization: `Bearer ${token}`, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }, signal: controller.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const got: AuditEntry[] = [];
  try {
    for await (const e of readEvents(res.body!)) {
      const entry = JSON.parse(e.data) as AuditEntry;
      expect(e.id).toBe(String(entry.seq));
      got.push(entry);
      if (until(entry)) break;
    }
  } finally {
    controller.abort();
  }
  return got;
}

describe('GET /v1/events', () => {
  it('a client disconnected mid-canary and reconnected with Last-Event-ID sees every event exactly once', async () => {
    const token = s.secrets.viewer.valid!;
    expect((await s.call('POST', '/v1/deployments', s.secrets.requester.valid, submission('e1'))).status).toBe(201);
    // Into the canary, then the client goes away after its first shift.
    const first = await collect('/v1/events?after=0', token, undefined, (e) => e.event === 'traffic_shifted');
    expect(first.map((e) => e.seq)).toEqual(first.map((_, i) => i + 1));
    // While it is away: stages are analysed, another request arrives, a refusal is audited.
    s.runUntil(s.clock.now() + 90_000);
    expect((await s.call('POST', '/v1/deployments', s.secrets.requester.valid, submission('e2'))).status).toBe(201);
    expect((await s.call('POST', '/v1/deployments', s.secrets.viewer.valid, submission('e3'))).status).toBe(403);
    const last = first[first.length - 1]!.seq;
    const pending = collect('/v1/events', token, String(last), (e) => e.event === 'finished' && e.deploymentId === 'e1');
    // ...and the rest happens while it is connected again.
    await new Promise((r) => setTimeout(r, 50));
    s.runUntil(s.clock.now() + 3_600_000);
    const second = await pending;
    const seen = [...first, ...second].map((e) => e.seq);
    const all = [...s.engine.audit.entries()].filter((e) => e.seq <= second[second.length - 1]!.seq).map((e) => e.seq);
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(seen.length);
    expect(second.some((e) => e.event === 'access_denied')).toBe(true);
    expect(second.some((e) => e.event === 'stage_analysed')).toBe(true);
  });

  it('one deployment\'s stream replays only its entries', async () => {
    const got = await collect('/v1/events?after=0&deployment=e2', s.secrets.viewer.valid!, undefined, (e) => e.event === 'traffic_shifted');
    expect(got.length).toBeGreaterThan(2);
    expect(got.every((e) => e.deploymentId === 'e2')).toBe(true);
  });

  it('without a cursor the stream starts at the head; a bad Last-Event-ID is a 400', async () => {
    const bad = await fetch(`${s.base}/v1/events`, { headers: { authorization: `Bearer ${s.secrets.viewer.valid!}`, 'last-event-id': 'x1' } });
    expect(bad.status).toBe(400);
    const head = s.engine.audit.count();
    const subscribers = s.server.ctx.hub.subscribers;
    const pending = collect('/v1/events', s.secrets.viewer.valid!, undefined, () => true);
    await new Promise((r) => setTimeout(r, 300));
    // Still subscribed once the request has been read (a GET's own 'close' event is no sign of a gone client).
    expect(s.server.ctx.hub.subscribers).toBe(subscribers + 1);
    expect((await s.call('POST', '/v1/deployments', s.secrets.requester.valid, submission('e4'))).status).toBe(201);
    const [firstLive] = await pending;
    expect(firstLive?.seq).toBe(head + 1);
  });

  it('a Last-Event-ID past the head is refused with 400 saying so, not waited on in silence', async () => {
    const head = s.engine.audit.tail(1)[0]?.seq ?? 0;
    const res = await fetch(`${s.base}/v1/events`, { headers: { authorization: `Bearer ${s.secrets.viewer.valid}`, 'last-event-id': String(head + 1_000) } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toBe(`the cursor ${head + 1_000} is past the audit trail's head (${head}): a cursor from another server or from before a restore? Resume from ${head} or less`);
  });

  it('a token revoked while its stream is open: the stream ends (with a last comment saying why) and sends nothing more', async () => {
    const { secret } = s.tokens.create('viewer-revoked-live', 'viewer', null, 'test', s.clock.now());
    const res = await fetch(`${s.base}/v1/events`, { headers: { authorization: `Bearer ${secret}` } });
    expect(res.status).toBe(200);
    const text = (async () => {
      let all = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) all += Buffer.from(chunk).toString('utf8');
      return all;
    })();
    s.tokens.revoke('viewer-revoked-live', s.clock.now());
    s.clock.set(s.clock.now() + 2_000);
    expect((await s.call('POST', '/v1/deployments', s.secrets.requester.valid, submission('e-after-revoke'))).status).toBe(201);
    const got = await text; // ends: the server closed the stream
    expect(got).toContain(': the token is revoked; the stream ends');
    expect(got).not.toContain('e-after-revoke');
  });
});
