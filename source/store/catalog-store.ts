// The service catalog kept in the database, so commands after the first need no --catalog.
import { catalogSchema } from '../domain/schemas.js';
import type { Catalog } from '../domain/schemas.js';
import type { Db } from './database.js';

export function saveCatalog(db: Db, catalog: Catalog, now: string): void {
  const upsert = db.prepare('INSERT INTO services (id, body, updated_at) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at');
  db.transaction(() => {
    for (const s of catalog.services) upsert.run(s.id, JSON.stringify(s), now);
  }).immediate();
}

/** The stored catalog, or undefined when none was ever saved. */
export function storedCatalog(db: Db): Catalog | undefined {
  const bodies = db.prepare('SELECT body FROM services ORDER BY id').pluck().all() as string[];
  if (bodies.length === 0) return undefined;
  return catalogSchema.parse({ services: bodies.map((b) => JSON.parse(b) as unknown) });
}
