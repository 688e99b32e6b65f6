// What most commands open: the database, the catalog (from --catalog, saved, or the stored one) and history.
import { CatalogIndex } from '../domain/catalog.js';
import { featureEmbedder } from '../domain/embedding.js';
import type { Embedder } from '../domain/embedding.js';
import { loadCatalog } from '../io/load.js';
import { InputError } from '../io/input-error.js';
import type { Db } from '../store/database.js';
import { dbPath, openDatabase } from '../store/database.js';
import { saveCatalog, storedCatalog } from '../store/catalog-store.js';
import { HistoryStore } from '../store/history-store.js';

export interface StoreContext {
  path: string;
  db: Db;
  catalog: CatalogIndex;
  history: HistoryStore;
  close(): void;
}

/** The catalog stored in the database at `path`; an error naming it when there is none yet. */
export function catalogOf(db: Db, path: string): CatalogIndex {
  const catalog = storedCatalog(db);
  if (!catalog) throw new InputError([{ file: path, field: 'services', message: 'no service catalog in the database yet: pass --catalog FILE once' }]);
  return new CatalogIndex(catalog);
}

/**
 * Opens the database, saves (and audits) a --catalog and opens history. `beforeWrite` runs before anything is
 * written: a command that must not write (an engine that cannot take the lease) throws there.
 */
export function openStoreContext(
  flags: { db?: string | undefined; catalog?: string | undefined },
  beforeWrite?: (db: Db) => void,
  /** Retrieval's embedder (the live engine's, with text embeddings); the structural features by default. */
  embedder: Embedder = featureEmbedder,
): StoreContext {
  const path = dbPath(flags.db);
  const catalog = flags.catalog ? loadCatalog(flags.catalog) : undefined; // bad input is reported before the database is touched
  const db = openDatabase(path);
  try {
    beforeWrite?.(db);
    if (catalog && flags.catalog) saveCatalog(db, catalog, new Date().toISOString(), flags.catalog);
    const index = catalogOf(db, path);
    const history = new HistoryStore(db, index, embedder, path === ':memory:' ? undefined : `${path}.hnsw`);
    return { path, db, catalog: index, history, close: () => db.close() };
  } catch (error) {
    db.close();
    throw error;
  }
}
