// One engine drives deployments at a time: a lease row in SQLite, renewed while alive, taken over when it
// expires or its holder process on this host is gone.
import { hostname } from 'node:os';
import type { Db } from './database.js';

export interface LeaseHolder {
  holder: string;
  pid: number;
  host: string;
  expiresAt: number;
}

export const LEASE_MS = 5_000;

/** Whether a process on this host still exists (EPERM: it does, owned by someone else). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class Lease {
  readonly holder: string;
  private readonly host = hostname();

  /** Run on every engine pass. */
  private readonly renewStmt;

  constructor(private readonly db: Db, private readonly name = 'engine', holder?: string) {
    this.holder = holder ?? `${this.host}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
    this.renewStmt = db.prepare('UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ?');
  }

  current(): LeaseHolder | undefined {
    const row = this.db.prepare('SELECT holder, pid, host, expires_at AS expiresAt FROM leases WHERE name = ?').get(this.name) as LeaseHolder | undefined;
    return row;
  }

  /** A live holder other than us, if there is one. */
  liveHolder(now: number): LeaseHolder | undefined {
    const h = this.current();
    if (!h || h.holder === this.holder) return undefined;
    if (h.expiresAt < now) return undefined;
    if (h.host === this.host && !alive(h.pid)) return undefined;
    return h;
  }

  /** Takes the lease if free, expired or held by a dead process; returns false when someone live holds it. */
  acquire(now: number): boolean {
    return this.db
      .transaction(() => {
        if (this.liveHolder(now)) return false;
        this.db
          .prepare('INSERT INTO leases (name, holder, pid, host, expires_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, pid = excluded.pid, host = excluded.host, expires_at = excluded.expires_at')
          .run(this.name, this.holder, process.pid, this.host, now + LEASE_MS);
        return true;
      })
      .immediate();
  }

  /** Extends our lease; false when another engine has taken it over. */
  renew(now: number): boolean {
    return this.renewStmt.run(now + LEASE_MS, this.name, this.holder).changes === 1;
  }

  release(): void {
    this.db.prepare('DELETE FROM leases WHERE name = ? AND holder = ?').run(this.name, this.holder);
  }
}
