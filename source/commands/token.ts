// `genops-tui token create NAME --role R [--expires 90d] | list | revoke NAME`: identities for the HTTP API.
// Run on the server's host against its database; who ran it is the OS user (a local claim, audited).
import { userInfo } from 'node:os';
import { sanitize } from '../domain/sanitize.js';
import { AuditLog } from '../store/audit-log.js';
import { dbPath, openDatabase } from '../store/database.js';
import { TokenRefused, TokenStore } from '../store/tokens.js';
import { isRole, ROLES } from '../server/roles.js';
import { createToken, parseExpiry, revokeToken, tokenJson } from '../server/token-admin.js';
import type { CommandIo } from './io.js';
import { UsageError } from './io.js';

export interface TokenFlags {
  db?: string;
  role?: string;
  expires?: string;
  json: boolean;
}

export function tokenCommand(sub: string | undefined, name: string | undefined, flags: TokenFlags, io: CommandIo): number {
  const db = openDatabase(dbPath(flags.db));
  try {
    const admin = { tokens: new TokenStore(db), audit: new AuditLog(db) };
    const by = { kind: 'human' as const, id: userInfo().username };
    const now = Date.now();
    switch (sub) {
      case 'create': {
        if (!name) throw new UsageError('token create needs a NAME');
        if (!flags.role || !isRole(flags.role)) throw new UsageError(`token create needs --role ${ROLES.join('|')}`);
        const { secret, token } = createToken(admin, name, flags.role, parseExpiry(flags.expires, now), by, now);
        if (flags.json) io.out(JSON.stringify({ ...tokenJson(token, now), token: secret }));
        else {
          io.err(`created token "${sanitize(name)}" (${token.role}${token.expiresAt === null ? ', never expires' : `, expires ${new Date(token.expiresAt).toISOString()}`}).`);
          io.err('It is shown once; only its SHA-256 is kept. Store it in a secret manager (e.g. GENOPS_TOKEN):');
          io.out(secret);
        }
        return 0;
      }
      case 'list': {
        const rows = admin.tokens.list().map((t) => tokenJson(t, now));
        if (flags.json) io.out(JSON.stringify(rows, null, 2));
        else for (const r of rows) io.out(`${sanitize(String(r.name), 64).padEnd(24)} ${String(r.role).padEnd(10)} ${String(r.status).padEnd(8)} expires ${String(r.expiresAt ?? 'never')}`);
        return 0;
      }
      case 'revoke': {
        if (!name) throw new UsageError('token revoke needs a NAME');
        if (!revokeToken(admin, name, by, now)) {
          io.err(`error: no active token named "${sanitize(name)}"`);
          return 1;
        }
        io.out(`revoked token "${sanitize(name)}"`);
        return 0;
      }
      default:
        throw new UsageError('token needs a subcommand: create NAME --role ROLE [--expires 90d], list, revoke NAME');
    }
  } catch (error) {
    if (error instanceof TokenRefused) throw new UsageError(error.message);
    throw error;
  } finally {
    db.close();
  }
}
