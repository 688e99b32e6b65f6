// Bad input, located: which file, which line, which field, and what was expected.
import type { z } from 'zod';

export interface InputProblem {
  file: string;
  line?: number;
  /** Dotted path of the field, e.g. services[2].tier. */
  field: string;
  message: string;
  /** The rejected text, cut to a few hundred characters, for the quarantine. */
  raw?: string;
}

export class InputError extends Error {
  constructor(readonly problems: InputProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'InputError';
  }
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || '(root)';
}

export function formatProblem(p: InputProblem): string {
  return `${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.field}: ${p.message}`;
}

/** zod issues as problems; `lineOf` maps a field path to its line where the source format allows. */
export function zodProblems(file: string, error: z.ZodError, lineOf: (path: PropertyKey[]) => number | undefined = () => undefined): InputProblem[] {
  return error.issues.map((issue) => {
    const path = issue.path as PropertyKey[];
    const line = lineOf(path);
    return {
      file,
      ...(line !== undefined ? { line } : {}),
      field: formatPath(path),
      message: issueMessage(issue),
    };
  });
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message;
}
