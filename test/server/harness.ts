// An engine (virtual clock) served over HTTP on 127.0.0.1, with one token per role and per refusal kind.
import { afterAll } from 'vitest';
import { harness } from '../helpers/engine-harness.js';
import { config, service } from '../helpers/builders.js';
import { tempDir } from '../helpers/temp-db.js';
import { SimulatedMetricSource } from '../../source/metrics/simulated-source.js';
import { buildServer } from '../../source/server/app.js';
import type { ServerOptions } from '../../source/server/app.js';
import { ROLES } from '../../source/server/roles.js';
import type { Role } from '../../source/server/roles.js';
import { TokenStore } from '../../source/store/tokens.js';

export const SERVICES = [
  service({ id: 'low-svc', tier: 'low' }),
  service({ id: 'crit-svc', tier: 'critical', errorBudgetRemaining: 0.05 }),
];

export type TokenKind = 'valid' | 'expired' | 'revoked' | 'missing' | 'wrong';
export const TOKEN_KINDS: readonly TokenKind[] = ['valid', 'expired', 'revoked', 'missing', 'wrong'];

export async function servedEngine(name: string, options: ServerOptions = {}) {
  const dir = tempDir();
  const h = harness(dir, `${name}.db`, SERVICES, config({ canary: { bakeSeconds: 60, sampleIntervalSeconds: 10, minSamples: 3 } }), new SimulatedMetricSource({ seed: 1, defects: new Map(), providerErrorRate: 0, gapRate: 0 }));
  const tokens = new TokenStore(h.db);
  const now = h.clock.now();
  const secrets = {} as Record<Role, Record<TokenKind, string | undefined>>;
  for (const role of ROLES) {
    const valid = tokens.create(`${role}`, role, null, 'test', now).secret;
    const expired = tokens.create(`${role}-expired`, role, now - 1_000, 'test', now - 3_600_000).secret;
    const revoked = tokens.create(`${role}-revoked`, role, null, 'test', now).secret;
    tokens.revoke(`${role}-revoked`, now);
    // The right id with another secret: the name is known, the secret is not.
    const wrong = `${valid.slice(0, 21)}${'A'.repeat(43)}`;
    secrets[role] = { valid, expired, revoked, missing: undefined, wrong };
  }
  const server = await buildServer({ engine: h.engine, tokens, clock: h.clock, isReady: () => true }, { rateLimit: { max: 100_000, windowMs: 60_000 }, ...options });
  const base = await server.app.listen({ host: '127.0.0.1', port: 0 });
  afterAll(() => server.close());
  const call = async (method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = { text };
    }
    return { status: res.status, json };
  };
  return { ...h, tokens, secrets, server, base, call };
}

export const submission = (id: string, serviceId = 'low-svc', extra: Record<string, unknown> = {}) => ({
  id,
  serviceId,
  version: '1.0.0',
  requestedAt: '2026-11-18T10:00:00Z',
  change: { linesChanged: 10, filesChanged: 1, dbMigration: false, configChange: false, hotfix: false, summary: 'small change' },
  ...extra,
});
