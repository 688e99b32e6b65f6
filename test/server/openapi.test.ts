// docs/openapi.json is the document the server serves, generated from the route table's zod schemas.
// This fails when it is stale; regenerate with: GENOPS_WRITE_OPENAPI=1 npx vitest run test/server/openapi.test.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../source/server/routes.js';
import { servedEngine } from './harness.js';

const FILE = 'docs/openapi.json';
const s = await servedEngine('openapi');

describe('/openapi.json', () => {
  it('documents every route, with its schemas and the bearer scheme, and equals docs/openapi.json', async () => {
    const doc = (await s.call('GET', '/openapi.json')).json as { openapi: string; paths: Record<string, Record<string, { security?: unknown; requestBody?: { content: Record<string, { schema: { additionalProperties?: boolean } }> } }>> };
    expect(doc.openapi).toBe('3.1.0');
    for (const r of ROUTES) {
      const op = doc.paths[r.url.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.url}`).toBeDefined();
      expect(Boolean(op?.security)).toBe(r.permission !== null);
      if (r.body) expect(op?.requestBody?.content['application/json']?.schema.additionalProperties).toBe(false);
    }
    const text = `${JSON.stringify(doc, null, 2)}\n`;
    if (process.env.GENOPS_WRITE_OPENAPI === '1') writeFileSync(FILE, text);
    expect(readFileSync(FILE, 'utf8'), `${FILE} is stale: GENOPS_WRITE_OPENAPI=1 npx vitest run test/server/openapi.test.ts`).toBe(text);
  });
});
