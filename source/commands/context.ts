// What most commands open: the database, the catalog (from --catalog, saved, or the stored one) and history.
import { CatalogIndex } from '../domain/catalog.js';
import { featureEmbedder } from '../domain/embedding.js';
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

export function openStoreContext(flags: { db?: string | undefined; catalog?: string | undefined }): StoreContext {
  const path = dbPath(flags.db);
  const db = openDatabase(path);
  try {
    let catalog = storedCatalog(db);
    if (flags.catalog) {
      catalog = loadCatalog(flags.catalog);
      saveCatalog(db, catalog, new Date().toISOString());
    }
    if (!catalog) throw new InputError([{ file: path, field: 'services', message: 'no service catalog in the database yet: pass --catalog FILE once' }]);
    const index = new CatalogIndex(catalog);
    const history = new HistoryStore(db, index, featureEmbedder, path === ':memory:' ? undefined : `${path}.hnsw`);
    return { path, db, catalog: index, history, close: () => db.close() };
  } catch (error) {
    db.close();
    throw error;
  }
}
