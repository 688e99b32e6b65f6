// Generated from the route table: every protected route × every role × {valid, expired, revoked, missing,
// wrong token} gets the status the role table says, and every refusal leaves an access_denied audit entry
// naming who (when known) and why. Nothing else is written by a refused call.
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../source/server/routes.js';
import { can, ROLES } from '../../source/server/roles.js';
import { servedEngine, TOKEN_KINDS } from './harness.js';

const s = await servedEngine('matrix');

/** A call that passes authorization must not change anything either: unknown ids and invalid bodies. */
function sample(url: string): string {
  return url.replace(':id', 'no-such-deployment').replace(':name', 'no-such-token');
}

async function status(method: string, path: string, token: string | undefined): Promise<number> {
  if (path.startsWith('/v1/events')) {
    const controller = new AbortController();
    const res = await fetch(`${s.base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: controller.signal });
    controller.abort();
    return res.status;
  }
  return (await s.call(method, path, token, method === 'GET' ? undefined : {})).status;
}

const protectedRoutes = ROUTES.filter((r) => r.permission !== null);

describe('authorization matrix (from the route table)', () => {
  it('covers every route', () => {
    expect(protectedRoutes.length).toBeGreaterThanOrEqual(18);
    expect(ROUTES.filter((r) => r.permission === null).map((r) => r.url).sort()).toEqual(['/healthz', '/openapi.json', '/readyz']);
  });

  for (const route of protectedRoutes) {
    it(`${route.method} ${route.url} (needs ${route.permission})`, async () => {
      const rows: string[] = [];
      for (const role of ROLES) {
        for (const kind of TOKEN_KINDS) {
          const before = s.engine.audit.count();
          const got = await status(route.method, sample(route.url), s.secrets[role][kind]);
          const allowed = kind === 'valid' && can(role, route.permission!);
          const expected = kind !== 'valid' ? 401 : allowed ? 'passes' : 403;
          const entries = s.engine.audit.since(before, 10);
          const refused = entries.filter((e) => e.event === 'access_denied');
          if (expected === 'passes') {
            rows.push(`${role}/${kind}: ${got === 401 || got === 403 ? got : 'passes'} audit+${entries.length}`);
            continue;
          }
          const who = kind === 'missing' ? null : kind === 'valid' ? role : `${role}${kind === 'expired' || kind === 'revoked' ? `-${kind}` : ''}`;
          const why = kind === 'valid' ? 'role' : kind;
          const e = refused[0];
          const match = entries.length === 1 && e !== undefined && e.actor.kind === 'system' && e.payload.why === why && e.payload.token === who && e.payload.route === route.url && e.payload.status === expected;
          rows.push(`${role}/${kind}: ${got} audit+${entries.length}${match ? '' : ` MISMATCH ${JSON.stringify(e?.payload)}`}`);
        }
      }
      const expectedRows = ROLES.flatMap((role) =>
        TOKEN_KINDS.map((kind) => {
          if (kind !== 'valid') return `${role}/${kind}: 401 audit+1`;
          return can(role, route.permission!) ? `${role}/${kind}: passes audit+0` : `${role}/${kind}: 403 audit+1`;
        }),
      );
      expect(rows).toEqual(expectedRows);
    });
  }

  it('public probes need no token and write nothing', async () => {
    const before = s.engine.audit.count();
    for (const path of ['/healthz', '/readyz', '/openapi.json']) expect((await s.call('GET', path)).status).toBe(200);
    expect(s.engine.audit.count()).toBe(before);
  });

  it('the chain still verifies after every refusal was audited', () => {
    expect(s.engine.audit.verify()).toMatchObject({ ok: true });
  });
});
