// The text_vectors table: text embeddings the live engine fetched, by model, size and the text's SHA-256, so
// a restart embeds only texts it has not seen (the endpoint is asked once per text, not once per start).
// A cache: losing a row costs one more request, never a decision. Stored as float32, as the index holds them.
import type { Db } from './database.js';
import { blobToVector, vectorToBlob } from './vector-index.js';

export class TextVectors {
  private readonly insert;

  constructor(private readonly db: Db) {
    this.insert = db.prepare('INSERT INTO text_vectors (model, dimensions, text_sha256, vector) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
  }

  /** Every stored vector of this model and size, by text SHA-256. */
  load(model: string, dimensions: number): Map<string, number[]> {
    const rows = this.db.prepare('SELECT text_sha256, vector FROM text_vectors WHERE model = ? AND dimensions = ?').raw(true).iterate(model, dimensions) as IterableIterator<[string, Buffer]>;
    const out = new Map<string, number[]>();
    for (const [sha, blob] of rows) out.set(sha, Array.from(blobToVector(blob)));
    return out;
  }

  save(model: string, dimensions: number, entries: Iterable<readonly [string, readonly number[]]>): void {
    this.db.transaction(() => {
      for (const [sha, vector] of entries) this.insert.run(model, dimensions, sha, vectorToBlob(vector));
    }).immediate();
  }
}
