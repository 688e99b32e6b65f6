// Hostile HTTP: oversized, malformed, unknown-field and wrong-type bodies, a slow body, and a flood of bad
// tokens. Each gets a clear 4xx, nothing is written (beyond the audit of refusals, bounded by the rate
// limit), and the server keeps answering.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { servedEngine, submission } from './harness.js';

const s = await servedEngine('hostile', { requestTimeoutMs: 400, bodyLimit: 16 * 1024, rateLimit: { max: 200, windowMs: 60_000 } });
const token = s.secrets.requester.valid!;

const written = (): string => `${s.engine.audit.count()}/${s.engine.deployments.length}`;

describe('hostile HTTP', () => {
  it('bad bodies: 413, 400, 400, 415, 400, 400, a key twice, a poisoned prototype, with messages; nothing written', async () => {
    const before = written();
    const big = await s.call('POST', '/v1/deployments', token, submission('h1', 'low-svc', { change: { ...submission('x').change, summary: 'x'.repeat(20_000) } }));
    expect(big).toMatchObject({ status: 413, json: { error: 'payload_too_large' } });
    const malformed = await s.call('POST', '/v1/deployments', token, '{"id": "h1", ');
    expect(malformed).toMatchObject({ status: 400, json: { error: 'bad_request', message: expect.stringMatching(/not valid JSON/) } });
    const unknown = await s.call('POST', '/v1/deployments', token, { ...submission('h1'), sneaky: true });
    expect(unknown).toMatchObject({ status: 400, json: { message: expect.stringMatching(/sneaky/) } });
    const type = await s.call('POST', '/v1/deployments', token, '<id>h1</id>', { 'content-type': 'application/xml' });
    expect(type).toMatchObject({ status: 415, json: { error: 'unsupported_media_type' } });
    const text = await s.call('POST', '/v1/deployments', token, 'id=h1', { 'content-type': 'text/plain' });
    expect(text).toMatchObject({ status: 400, json: { message: expect.stringMatching(/expected object/) } });
    const wrong = await s.call('POST', '/v1/deployments', token, { ...submission('h1'), change: { ...submission('x').change, linesChanged: -5 } });
    expect(wrong).toMatchObject({ status: 400, json: { message: expect.stringMatching(/body\.change\.linesChanged/) } });
    const array = await s.call('POST', '/v1/deployments', token, '[1,2]');
    expect(array.status).toBe(400);
    // A key given twice (JSON.parse would keep the last: one service to a proxy, another to the engine).
    const twice = JSON.stringify(submission('h1', 'low-svc')).replace(/\}$/, ',"serviceId":"payments-api"}');
    expect(await s.call('POST', '/v1/deployments', token, twice)).toMatchObject({ status: 400, json: { error: 'bad_request', message: 'body: the key "serviceId" appears twice in $; give each field once' } });
    const poisoned = await s.call('POST', '/v1/deployments', token, JSON.stringify(submission('h1')).replace(/^\{/, '{"__proto__":{"admin":true},'));
    expect(poisoned.status).toBe(400);
    expect(written()).toBe(before);
  });

  it('a slow body is cut off with 408 and the server keeps answering', async () => {
    const before = written();
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(Number(new URL(s.base).port), '127.0.0.1');
      let got = '';
      socket.on('data', (d) => (got += d.toString()));
      socket.on('close', () => resolve(got));
      socket.write(`POST /v1/deployments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"id":`);
      // ...and never the rest.
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect((await s.call('GET', '/healthz')).status).toBe(200);
    expect(written()).toBe(before);
  });

  it('10,000 requests with bad tokens: 401 up to the limit (each audited), then 429; valid tokens and probes still answered', async () => {
    const before = s.engine.audit.count();
    const counts = new Map<number, number>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < 10_000) {
        const i = next++;
        const bad = i % 2 === 0 ? `gtk_${i.toString(16).padStart(16, '0')}_${'B'.repeat(43)}` : `garbage-${i}`;
        const r = await fetch(`${s.base}/v1/deployments`, { headers: { authorization: `Bearer ${bad}` } });
        await r.arrayBuffer();
        counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
        if (i === 5_000) {
          // In the middle of the flood: a valid token and a probe get through.
          expect((await s.call('GET', '/v1/deployments', s.secrets.viewer.valid)).status).toBe(200);
          expect((await s.call('GET', '/healthz')).status).toBe(200);
        }
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    expect(counts.get(401)).toBe(200);
    expect(counts.get(429)).toBe(9_800);
    expect([...counts.keys()].sort()).toEqual([401, 429]);
    const entries = s.engine.audit.since(before, 1_000);
    expect(entries).toHaveLength(200);
    expect(entries.every((e) => e.event === 'access_denied' && e.payload.why === 'wrong')).toBe(true);
    expect(s.engine.deployments).toHaveLength(0);
  });
});
