// A fresh database file in a temporary directory, removed after the test file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'genops-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
