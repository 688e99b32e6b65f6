// SQLite errors a person can act on (a full disk, a locked or read-only database), said in one line; and an audit
// trail found tampered with on append (AuditTampered), which stops the writer the same way.
import { AuditTampered } from './audit-tampered.js';

const CODES: Record<string, string> = {
  SQLITE_FULL: 'the disk is full (SQLITE_FULL); nothing was written; free some space and retry',
  SQLITE_BUSY: 'the database is locked by another process (SQLITE_BUSY); retry',
  SQLITE_READONLY: 'the database is read-only (SQLITE_READONLY)',
  SQLITE_IOERR: 'an I/O error on the database file (SQLITE_IOERR)',
  SQLITE_CORRUPT: 'the database file is damaged (SQLITE_CORRUPT)',
  SQLITE_NOTADB: 'the file is not a database (SQLITE_NOTADB)',
  SQLITE_CANTOPEN: 'the database file cannot be opened (SQLITE_CANTOPEN)',
};

const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? Object.keys(CODES).find((k) => code === k || code.startsWith(`${k}_`)) : undefined;
};

export const isDatabaseTrouble = (error: unknown): boolean => error instanceof AuditTampered || codeOf(error) !== undefined;

export function databaseTrouble(error: unknown): string {
  if (error instanceof AuditTampered) return error.message;
  const code = codeOf(error);
  return code ? CODES[code] ?? code : String(error);
}

/** Worth retrying after a pause (the gate and the engine back off instead of failing). */
export const isTransient = (error: unknown): boolean => {
  const code = codeOf(error);
  return code === 'SQLITE_FULL' || code === 'SQLITE_BUSY' || code === 'SQLITE_IOERR';
};
