// The service catalog kept in the database, so commands after the first need no --catalog. Every change is
// audited in the same transaction: the catalog's digest, each service's digest (what `audit verify --deep`
// checks the rows against) and what changed in the fields risk reads (tier, dependencies, error budget).
import { catalogSchema } from '../domain/schemas.js';
import type { Catalog, Service } from '../domain/schemas.js';
import { AuditLog } from './audit-log.js';
import type { AuditEntry } from './audit-log.js';
import type { Db } from './database.js';
import { catalogDigest, serviceDigest } from './row-digests.js';

export interface CatalogChange {
  service: string;
  field: 'tier' | 'dependencies' | 'errorBudgetRemaining' | 'added' | 'other';
  from?: unknown;
  to?: unknown;
}

/** What changed between two versions of a service, in the fields a decision reads (and "other" for the rest). */
function changesOf(before: Service | undefined, after: Service): CatalogChange[] {
  if (!before) return [{ service: after.id, field: 'added', to: { tier: after.tier, dependencies: after.dependencies, errorBudgetRemaining: after.errorBudgetRemaining } }];
  const out: CatalogChange[] = [];
  if (before.tier !== after.tier) out.push({ service: after.id, field: 'tier', from: before.tier, to: after.tier });
  if (JSON.stringify(before.dependencies) !== JSON.stringify(after.dependencies)) out.push({ service: after.id, field: 'dependencies', from: before.dependencies, to: after.dependencies });
  if (before.errorBudgetRemaining !== after.errorBudgetRemaining) out.push({ service: after.id, field: 'errorBudgetRemaining', from: before.errorBudgetRemaining, to: after.errorBudgetRemaining });
  if (out.length === 0 && serviceDigest(before) !== serviceDigest(after)) out.push({ service: after.id, field: 'other' });
  return out;
}

/**
 * Saves the catalog and audits it, in one transaction; an unchanged catalog writes nothing. Returns the audit
 * entry, if one was written. `source` names where it came from (the file).
 */
export function saveCatalog(db: Db, catalog: Catalog, now: string, source = '(catalog)'): AuditEntry | undefined {
  const upsert = db.prepare('INSERT INTO services (id, body, updated_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at');
  return db
    .transaction(() => {
      const stored = new Map((storedCatalog(db)?.services ?? []).map((s) => [s.id, s]));
      const changes = catalog.services.flatMap((s) => changesOf(stored.get(s.id), s));
      if (changes.length === 0) return undefined;
      for (const s of catalog.services) upsert.run(s.id, JSON.stringify(s), now);
      const services = storedServiceDigests(db);
      const [entry] = new AuditLog(db).append([
        { ts: now, actor: { kind: 'system', id: 'catalog' }, event: 'catalog_loaded', deploymentId: null, payload: { source, sha256: catalogDigest(services), services, changes } },
      ]);
      return entry;
    })
    .immediate();
}

/** Each stored service's digest, by id in id order. */
export function storedServiceDigests(db: Db): Record<string, string> {
  const out: Record<string, string> = {};
  // The rows as stored, unvalidated: an edited row must show up as different, not crash the check.
  for (const { id, body } of db.prepare('SELECT id, body FROM services ORDER BY id').all() as Array<{ id: string; body: string }>) {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      value = body;
    }
    out[id] = serviceDigest(value as Service);
  }
  return out;
}

/** The stored catalog, or undefined when none was ever saved. */
export function storedCatalog(db: Db): Catalog | undefined {
  const bodies = db.prepare('SELECT body FROM services ORDER BY id').pluck().all() as string[];
  if (bodies.length === 0) return undefined;
  return catalogSchema.parse({ services: bodies.map((b) => JSON.parse(b) as unknown) });
}
