// The rate limit is per token: one token over its limit gets 429 with Retry-After; another is unaffected.
import { describe, expect, it } from 'vitest';
import { servedEngine } from './harness.js';

const s = await servedEngine('rate', { rateLimit: { max: 5, windowMs: 60_000 } });

describe('per-token rate limit', () => {
  it('429 past the limit for that token only; probes are not limited; a 429 is not audited', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await s.call('GET', '/v1/whoami', s.secrets.viewer.valid)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const res = await fetch(`${s.base}/v1/whoami`, { headers: { authorization: `Bearer ${s.secrets.viewer.valid!}` } });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe('rate_limited');
    // The window is the configured minute; the wait is what is left of it.
    expect(body.message).toMatch(/^rate limit: at most 5 requests per 60 s for this token; retry in \d+ (second|minute)s?$/);
    expect((await s.call('GET', '/v1/whoami', s.secrets.approver.valid)).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await s.call('GET', '/healthz')).status).toBe(200);
    expect(s.engine.audit.count()).toBe(0);
  });

  it("a token over its limit still sends keep-alives (a gate must not lose its deployment to the limit); bad tokens' keep-alives are limited", async () => {
    const requester = s.secrets.requester.valid;
    for (let i = 0; i < 5; i++) await s.call('GET', '/v1/whoami', requester);
    expect((await s.call('GET', '/v1/whoami', requester)).status).toBe(429);
    // Not counted: answered on their merits (no such request here), never 429.
    for (let i = 0; i < 10; i++) expect((await s.call('POST', '/v1/deployments/nothing-here/keepalive', requester, {})).status).toBe(404);
    const bad: number[] = [];
    for (let i = 0; i < 6; i++) bad.push((await s.call('POST', '/v1/deployments/nothing-here/keepalive', 'gtk_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', {})).status);
    expect(bad).toEqual([401, 401, 401, 401, 401, 429]);
  });
});
