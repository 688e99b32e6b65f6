// Creating, listing and revoking tokens, audited: shared by `genops-tui token` (a local claim of who) and the
// admin routes of the HTTP API (the admin token's name).
import type { AuditEntry, AuditLog, ActorKind } from '../store/audit-log.js';
import type { TokenRow, TokenStore } from '../store/tokens.js';
import { TokenRefused } from '../store/tokens.js';
import type { Role } from './roles.js';

const DAY = 86_400_000;

/** "90d", "12h", "30m" or "never" (null); a usage problem otherwise. */
export function parseExpiry(text: string | undefined, now: number): number | null {
  if (text === undefined) return now + 90 * DAY;
  if (text === 'never') return null;
  const m = /^(\d{1,5})(d|h|m)$/.exec(text.trim());
  if (!m) throw new TokenRefused(`--expires: "${text}" is not a duration such as 90d, 12h, 30m, or never`);
  const n = Number(m[1]);
  if (n <= 0) throw new TokenRefused('--expires must be more than zero');
  return now + n * { d: DAY, h: 3_600_000, m: 60_000 }[m[2] as 'd' | 'h' | 'm'];
}

export interface TokenAdmin {
  tokens: TokenStore;
  audit: AuditLog;
  /** Appends audit entries; the server's goes through its one writer so its event stream sees them. */
  append?: (entries: Parameters<AuditLog['append']>[0]) => AuditEntry[];
}

type By = { kind: ActorKind; id: string };

export function createToken(admin: TokenAdmin, name: string, role: Role, expiresAt: number | null, by: By, now: number): { secret: string; token: TokenRow } {
  const append = admin.append ?? ((e) => admin.audit.append(e));
  const created = admin.tokens.create(name, role, expiresAt, `${by.kind}:${by.id}`, now);
  append([{ ts: new Date(now).toISOString(), actor: by, event: 'token_created', deploymentId: null, payload: { name, role, expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString() } }]);
  return created;
}

export function revokeToken(admin: TokenAdmin, name: string, by: By, now: number): boolean {
  const append = admin.append ?? ((e) => admin.audit.append(e));
  if (!admin.tokens.revoke(name, now)) return false;
  append([{ ts: new Date(now).toISOString(), actor: by, event: 'token_revoked', deploymentId: null, payload: { name } }]);
  return true;
}

export function tokenStatus(t: TokenRow, now: number): 'active' | 'expired' | 'revoked' {
  if (t.revokedAt !== null) return 'revoked';
  if (t.expiresAt !== null && t.expiresAt <= now) return 'expired';
  return 'active';
}

/** A token as lists show it: never the hash, never the secret. */
export function tokenJson(t: TokenRow, now: number): Record<string, unknown> {
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  return { name: t.name, role: t.role, status: tokenStatus(t, now), createdAt: iso(t.createdAt), createdBy: t.createdBy, expiresAt: iso(t.expiresAt), revokedAt: iso(t.revokedAt) };
}
