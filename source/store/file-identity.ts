// A database file deleted or replaced under a running engine (a restore, a cleanup script, `rm`) would leave
// it writing into an unlinked inode that no other process sees. The engine compares the file's identity
// (device and inode) with what it opened, and that of the WAL beside it, before every pass.
import { statSync } from 'node:fs';

interface Identity { dev: number; ino: number }

function identity(path: string): Identity | undefined {
  try {
    const s = statSync(path);
    return { dev: s.dev, ino: s.ino };
  } catch {
    return undefined;
  }
}

export class DatabaseFileWatch {
  private readonly db: Identity | undefined;
  private wal: Identity | undefined;

  constructor(private readonly path: string) {
    this.db = identity(path);
    this.wal = identity(`${path}-wal`);
  }

  /** What changed, in words, or undefined while the files are the ones opened. */
  changed(): string | undefined {
    const now = identity(this.path);
    if (!this.db) return undefined; // (:memory:)
    if (!now) return `the database file ${this.path} was deleted`;
    if (now.dev !== this.db.dev || now.ino !== this.db.ino) return `the database file ${this.path} was replaced by another file`;
    const wal = identity(`${this.path}-wal`);
    // SQLite removes the WAL only when the last connection closes; while we hold one, a vanished or different
    // WAL means someone else deleted or swapped it.
    if (this.wal && !wal) return `the write-ahead log ${this.path}-wal was deleted`;
    if (this.wal && wal && (wal.dev !== this.wal.dev || wal.ino !== this.wal.ino)) return `the write-ahead log ${this.path}-wal was replaced`;
    this.wal ??= wal;
    return undefined;
  }
}
