// One owner per table: the `deployments` table's SQL lives in the deployment store (and the migrations that
// shape it); every other module asks the store. A query written elsewhere fails here, naming the file.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const OWNERS: Record<string, readonly string[]> = {
  deployments: ['source/store/deployment-store.ts', 'source/store/migrations.ts'],
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('table owners', () => {
  for (const [table, owners] of Object.entries(OWNERS)) {
    it(`only ${owners.join(' and ')} write SQL on "${table}"`, () => {
      const sql = new RegExp(`\\b(FROM|INTO|UPDATE|JOIN)\\s+${table}\\b`, 'i');
      const offenders = sources('source').filter((file) => !owners.includes(file) && sql.test(readFileSync(file, 'utf8')));
      expect(offenders).toEqual([]);
    });
  }
});
