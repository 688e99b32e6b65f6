// Whether the engine an attached console follows is alive, from its lease: renewed every poll while it runs,
// so an expired lease means the engine stopped answering, and a long-expired or missing one that it is gone.
import type { LeaseHolder } from '../store/lease.js';
import { LEASE_MS } from '../store/lease.js';
import type { Liveness } from './console-model.js';

/** Expired for longer than this: the engine is gone, not just slow. */
export const GONE_AFTER_MS = 60_000;

export function livenessOf(holder: LeaseHolder | undefined, now: number, pidAlive: (pid: number) => boolean = () => true): Liveness {
  if (!holder) return { state: 'gone', ageMs: undefined };
  const ageMs = Math.max(0, now - (holder.expiresAt - LEASE_MS));
  if (!pidAlive(holder.pid)) return { state: 'gone', ageMs };
  if (holder.expiresAt >= now) return { state: 'alive', ageMs };
  return { state: now - holder.expiresAt > GONE_AFTER_MS ? 'gone' : 'stale', ageMs };
}
