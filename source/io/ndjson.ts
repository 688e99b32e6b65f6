// NDJSON, one record a line: every line is checked on its own, so one bad line costs only itself.
import type { z } from 'zod';
import type { InputProblem } from './input-error.js';
import { zodProblems } from './input-error.js';

export interface NdjsonResult<T> {
  records: Array<{ line: number; value: T }>;
  problems: InputProblem[];
}

/** Longest line accepted; longer ones are reported, not parsed (a 10 MB line is an error, not a stall). */
export const MAX_LINE_BYTES = 1_000_000;
/** How much of a rejected line the quarantine keeps. */
const RAW_KEPT = 500;

export function parseNdjson<S extends z.ZodType>(file: string, text: string, schema: S): NdjsonResult<z.infer<S>> {
  const result: NdjsonResult<z.infer<S>> = { records: [], problems: [] };
  const lines = text.split('\n');
  lines.forEach((rawLine, i) => {
    const line = i + 1;
    const content = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (content.trim() === '') return;
    const raw = content.slice(0, RAW_KEPT);
    if (content.length > MAX_LINE_BYTES) {
      result.problems.push({ file, line, field: '(line)', message: `line longer than ${MAX_LINE_BYTES} bytes`, raw });
      return;
    }
    if (content.includes('\ufffd')) {
      result.problems.push({ file, line, field: '(line)', message: 'invalid UTF-8', raw });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(content);
    } catch (error) {
      result.problems.push({ file, line, field: '(syntax)', message: `invalid JSON: ${(error as Error).message}`, raw });
      return;
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) result.records.push({ line, value: parsed.data });
    else result.problems.push(...zodProblems(file, parsed.error, () => line).map((p) => ({ ...p, raw })));
  });
  return result;
}
