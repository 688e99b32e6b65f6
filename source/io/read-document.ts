// Reads a JSON or YAML document and validates it, naming file, line and field on any problem.
// JSON is parsed with the YAML parser too (YAML is a superset), which gives every node a source position
// and rejects duplicate keys.
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { z } from 'zod';
import { InputError, zodProblems } from './input-error.js';

export function readText(file: string): string {
  if (file === '-') return readFileSync(0, 'utf8');
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError([{ file, field: '(file)', message: code === 'ENOENT' ? 'no such file' : `cannot read: ${code ?? String(error)}` }]);
  }
}

export function parseDocumentText<S extends z.ZodType>(file: string, text: string, schema: S): z.infer<S> {
  const lines = new LineCounter();
  // JSON files get the YAML parser's JSON schema, so YAML-only syntax (bare words) is an error there.
  const json = file.endsWith('.json') || file === '(stdin)';
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, ...(json ? { schema: 'json' } : {}) });
  if (doc.errors.length > 0) {
    throw new InputError(
      doc.errors.map((e) => ({ file, line: e.linePos?.[0].line ?? lines.linePos(e.pos[0]).line, field: '(syntax)', message: e.message.split('\n')[0] ?? e.message })),
    );
  }
  const parsed = schema.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;
  const lineOf = (path: PropertyKey[]): number | undefined => {
    // The deepest node that exists along the path: an absent field is reported at its parent.
    for (let n = path.length; n >= 0; n--) {
      const node: unknown = path.length === 0 && n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
    }
    return undefined;
  };
  throw new InputError(zodProblems(file, parsed.error, lineOf));
}

export function readDocument<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  return parseDocumentText(file === '-' ? '(stdin)' : file, readText(file), schema);
}
