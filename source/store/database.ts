// Opening the one database file: created 0600, WAL, busy timeout, foreign keys, migrations on user_version.
import Database from 'better-sqlite3';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

export const DEFAULT_DB = 'data/genops.db';

/** --db, else GENOPS_DB, else data/genops.db. */
export function dbPath(flag: string | undefined): string {
  return flag ?? process.env.GENOPS_DB ?? DEFAULT_DB;
}

export function openDatabase(path: string): Db {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true });
    // Create the file ourselves so it is never world-readable; SQLite gives -wal/-shm the same mode.
    closeSync(openSync(path, 'a', 0o600));
  }
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  migrate(db);
  return db;
}

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this genops-tui (${MIGRATIONS.length}); upgrade genops-tui`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}

export function getMeta(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function setMeta(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}

/** A file that is not a readable genops-tui database (missing tables, corrupt, truncated, not SQLite). */
export class DatabaseUnreadable extends Error {}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Opens a database to read it without changing anything: no migration, no file created beside it (a backup on
 * read-only media verifies). A live database (its WAL exists) is opened read-only in place; a closed one is read
 * into memory, its header's journal mode set to rollback in that copy, since SQLite would otherwise create
 * -wal and -shm files beside it. `inMemory` tells which (worker threads cannot share an in-memory copy).
 */
export function openReadOnly(path: string): { db: Db; inMemory: boolean } {
  if (!existsSync(path)) throw new DatabaseMissing(path);
  let db: Db;
  let inMemory = false;
  try {
    if (existsSync(`${path}-wal`)) db = new Database(path, { readonly: true, fileMustExist: true });
    else {
      const bytes = readFileSync(path);
      if (bytes.length < 100 || !bytes.subarray(0, 16).equals(SQLITE_MAGIC)) throw new DatabaseUnreadable(`${path}: not an SQLite database (${bytes.length} bytes)`);
      bytes[18] = 1;
      bytes[19] = 1;
      db = new Database(bytes, { readonly: true });
      inMemory = true;
    }
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (error) {
    if (error instanceof DatabaseUnreadable) throw error;
    throw new DatabaseUnreadable(`${path}: not a readable database: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit'").get()) {
    db.close();
    throw new DatabaseUnreadable(`${path}: an SQLite database, but not genops-tui's (no audit table)`);
  }
  return { db, inMemory };
}

/** --db names a file that does not exist (and a read-only command must not create it). */
export class DatabaseMissing extends Error {
  constructor(readonly path: string) {
    super(`${path}: no such database file`);
  }
}
