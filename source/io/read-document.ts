// Reads a JSON or YAML document and validates it, naming file, line and field on any problem.
// JSON is parsed with the YAML parser too (YAML is a superset), which gives every node a source position
// and rejects duplicate keys.
import { closeSync, openSync, readSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, visit } from 'yaml';
import type { z } from 'zod';
import { InputError, zodProblems } from './input-error.js';

/** The file's text; invalid UTF-8 is kept as U+FFFD, for the caller to reject where it lands (NDJSON: per line). */
export function readText(file: string): string {
  const name = file === '-' ? '(stdin)' : file;
  let fd: number;
  try {
    fd = file === '-' ? 0 : openSync(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError([{ file, field: '(file)', message: code === 'ENOENT' ? 'no such file' : `cannot read: ${code ?? String(error)}` }]);
  }
  try {
    return readBounded(fd, name);
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

/** Largest input file read: /dev/zero or an endless pipe is an error, not a hang. */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

function readBounded(fd: number, file: string): string {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(1 << 20);
    let n: number;
    try {
      n = readSync(fd, chunk, 0, chunk.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue; // a non-blocking stdin with nothing yet
      if (code === 'EOF') break;
      throw new InputError([{ file, field: '(file)', message: `cannot read: ${code ?? String(error)}` }]);
    }
    if (n === 0) break;
    total += n;
    if (total > MAX_INPUT_BYTES) throw new InputError([{ file, field: '(file)', message: `larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB: not read` }]);
    chunks.push(chunk.subarray(0, n));
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

/** A document (request, catalog, configuration) must be valid UTF-8 without NUL bytes, as NDJSON lines must. */
function checkEncoding(file: string, text: string): void {
  const bad = /[\ufffd\u0000]/u.exec(text);
  if (!bad) return;
  const line = text.slice(0, bad.index).split('\n').length;
  throw new InputError([{ file, line, field: '(file)', message: bad[0] === '\u0000' ? 'contains a NUL byte' : 'invalid UTF-8' }]);
}

export function parseDocumentText<S extends z.ZodType>(file: string, text: string, schema: S): z.infer<S> {
  const lines = new LineCounter();
  // JSON files get the YAML parser's JSON schema, so YAML-only syntax (bare words) is an error there.
  const json = file.endsWith('.json') || file === '(stdin)';
  checkEncoding(file, text);
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, ...(json ? { schema: 'json' } : {}) });
  if (doc.errors.length > 0) {
    throw new InputError(
      doc.errors.map((e) => ({ file, line: e.linePos?.[0].line ?? lines.linePos(e.pos[0]).line, field: '(syntax)', message: e.message.split('\n')[0] ?? e.message })),
    );
  }
  let value: unknown;
  try {
    // yaml refuses documents whose aliases would expand past 100 (a "billion laughs" bomb) by throwing.
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    let line: number | undefined;
    visit(doc, { Alias: (_key, node) => ((line ??= node.range ? lines.linePos(node.range[0]).line : undefined), visit.BREAK) });
    throw new InputError([{ file, ...(line !== undefined ? { line } : {}), field: '(aliases)', message: `rejected: ${error instanceof Error ? error.message : String(error)}` }]);
  }
  const parsed = schema.safeParse(value);
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
