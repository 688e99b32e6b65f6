// API tokens: a public id to find the row and a 256-bit random secret, stored only as SHA-256 and compared
// in constant time. A token is shown once, at creation. Names are never reused, so an audited name always
// means one token.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from './database.js';
import type { Role } from '../server/roles.js';
import { sameIdentity } from '../domain/identity.js';

export interface TokenRow {
  name: string;
  id: string;
  role: Role;
  createdAt: number;
  createdBy: string;
  expiresAt: number | null;
  revokedAt: number | null;
}

export type TokenCheck =
  | { ok: true; token: TokenRow }
  | { ok: false; reason: 'missing' | 'malformed' | 'unknown' | 'wrong' | 'expired' | 'revoked'; name: string | null };

export class TokenRefused extends Error {}

/** `gtk_<16 hex id>_<43 base64url chars = 32 random bytes>`. */
const FORMAT = /^gtk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
export const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

interface Stored {
  name: string;
  id: string;
  role: Role;
  hash: Buffer;
  created_at: number;
  created_by: string;
  expires_at: number | null;
  revoked_at: number | null;
}

const toRow = (s: Stored): TokenRow => ({ name: s.name, id: s.id, role: s.role, createdAt: s.created_at, createdBy: s.created_by, expiresAt: s.expires_at, revokedAt: s.revoked_at });

/** A well-formed token's public id (for rate limiting before the secret is checked), or undefined. */
export function tokenIdOf(secret: string): string | undefined {
  return FORMAT.exec(secret)?.[1];
}

export class TokenStore {
  private readonly byId;
  private readonly byName;

  constructor(private readonly db: Db) {
    this.byId = db.prepare('SELECT * FROM tokens WHERE id = ?');
    this.byName = db.prepare('SELECT * FROM tokens WHERE name = ?');
  }

  /** Creates a token and returns its secret: the only time it exists outside the caller's hands. */
  create(name: string, role: Role, expiresAt: number | null, createdBy: string, now: number): { secret: string; token: TokenRow } {
    if (!TOKEN_NAME.test(name)) throw new TokenRefused(`token name "${name}" must be 1-64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit`);
    if (expiresAt !== null && expiresAt <= now) throw new TokenRefused('the expiry must be in the future');
    // "Alice" and "alice" are one identity to the four-eyes rule, so they cannot be two tokens.
    if (this.list().some((t) => sameIdentity(t.name, name))) throw new TokenRefused(`a token named "${name}" exists or existed (names are never reused, so the audit trail stays unambiguous)`);
    const id = randomBytes(8).toString('hex');
    const secret = `gtk_${id}_${randomBytes(32).toString('base64url')}`;
    this.db
      .prepare('INSERT INTO tokens (name, id, role, hash, created_at, created_by, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)')
      .run(name, id, role, sha256(secret), now, createdBy, expiresAt);
    return { secret, token: toRow(this.byName.get(name) as Stored) };
  }

  list(): TokenRow[] {
    return (this.db.prepare('SELECT * FROM tokens ORDER BY name').all() as Stored[]).map(toRow);
  }

  get(name: string): TokenRow | undefined {
    const s = this.byName.get(name) as Stored | undefined;
    return s ? toRow(s) : undefined;
  }

  /** False when there is no such token or it was already revoked. */
  revoke(name: string, now: number): boolean {
    return this.db.prepare('UPDATE tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL').run(now, name).changes === 1;
  }

  /** Who presents `secret`, or why nobody does. The hash is compared in constant time. */
  check(secret: string | undefined, now: number): TokenCheck {
    if (secret === undefined || secret === '') return { ok: false, reason: 'missing', name: null };
    const m = FORMAT.exec(secret);
    if (!m) return { ok: false, reason: 'malformed', name: null };
    const s = this.byId.get(m[1]) as Stored | undefined;
    if (!s) return { ok: false, reason: 'unknown', name: null };
    if (!timingSafeEqual(sha256(secret), s.hash)) return { ok: false, reason: 'wrong', name: s.name };
    if (s.revoked_at !== null) return { ok: false, reason: 'revoked', name: s.name };
    if (s.expires_at !== null && s.expires_at <= now) return { ok: false, reason: 'expired', name: s.name };
    return { ok: true, token: toRow(s) };
  }
}
