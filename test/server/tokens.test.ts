// Tokens: 256-bit secrets shown once, only their SHA-256 kept, every refusal reason told apart.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../source/store/database.js';
import { TokenRefused, TokenStore } from '../../source/store/tokens.js';
import { parseExpiry } from '../../source/server/token-admin.js';
import { can, ROLE_PERMISSIONS, ROLES } from '../../source/server/roles.js';
import { tempDir } from '../helpers/temp-db.js';

const dir = tempDir();
const T = Date.parse('2026-11-18T10:00:00Z');

describe('TokenStore', () => {
  const path = join(dir, 'tokens.db');
  const db = openDatabase(path);
  const tokens = new TokenStore(db);

  it('keeps only the SHA-256 of a 256-bit random secret', () => {
    const { secret } = tokens.create('ci', 'requester', null, 'test', T);
    const random = secret.slice('gtk_'.length + 16 + 1); // base64url may itself contain '_'
    expect(Buffer.from(random, 'base64url')).toHaveLength(32);
    const row = db.prepare('SELECT hash FROM tokens WHERE name = ?').get('ci') as { hash: Buffer };
    expect(row.hash.equals(createHash('sha256').update(secret).digest())).toBe(true);
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(path).includes(Buffer.from(random))).toBe(false);
    expect(tokens.create('ci2', 'requester', null, 'test', T).secret).not.toBe(secret);
  });

  it('tells valid, wrong, unknown, malformed, missing, expired and revoked apart', () => {
    const { secret } = tokens.create('op', 'operator', T + 60_000, 'test', T);
    expect(tokens.check(secret, T)).toMatchObject({ ok: true, token: { name: 'op', role: 'operator' } });
    expect(tokens.check(`${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`, T)).toEqual({ ok: false, reason: 'wrong', name: 'op' });
    expect(tokens.check(`gtk_${'0'.repeat(16)}_${'A'.repeat(43)}`, T)).toEqual({ ok: false, reason: 'unknown', name: null });
    expect(tokens.check('Bearer nonsense', T)).toEqual({ ok: false, reason: 'malformed', name: null });
    expect(tokens.check(undefined, T)).toEqual({ ok: false, reason: 'missing', name: null });
    expect(tokens.check(secret, T + 60_000)).toEqual({ ok: false, reason: 'expired', name: 'op' });
    expect(tokens.revoke('op', T)).toBe(true);
    expect(tokens.revoke('op', T)).toBe(false);
    expect(tokens.check(secret, T)).toEqual({ ok: false, reason: 'revoked', name: 'op' });
  });

  it('never reuses a name, nor one the four-eyes rule would confuse with it', () => {
    expect(() => tokens.create('op', 'viewer', null, 'test', T)).toThrow(TokenRefused);
    expect(() => tokens.create('CI', 'viewer', null, 'test', T)).toThrow(/exists or existed/);
    expect(() => tokens.create('-x', 'viewer', null, 'test', T)).toThrow(/token name/);
    expect(() => tokens.create('late', 'viewer', T - 1, 'test', T)).toThrow(/future/);
  });

  it('expiry: 90 days by default, units, never; nonsense refused', () => {
    expect(parseExpiry(undefined, T)).toBe(T + 90 * 86_400_000);
    expect(parseExpiry('12h', T)).toBe(T + 12 * 3_600_000);
    expect(parseExpiry('never', T)).toBeNull();
    for (const bad of ['0d', '1y', '-5d', 'soon']) expect(() => parseExpiry(bad, T)).toThrow(TokenRefused);
  });
});

describe('roles', () => {
  it('the table: viewer reads; requester submits and withdraws; approver decides; operator also operates; admin all, and tokens', () => {
    expect(ROLES.filter((r) => can(r, 'submit'))).toEqual(['requester', 'admin']);
    expect(ROLES.filter((r) => can(r, 'decide'))).toEqual(['approver', 'operator', 'admin']);
    expect(ROLES.filter((r) => can(r, 'operate'))).toEqual(['operator', 'admin']);
    expect(ROLES.filter((r) => can(r, 'tokens'))).toEqual(['admin']);
    expect(ROLES.every((r) => ROLE_PERMISSIONS[r].includes('read'))).toBe(true);
  });
});
