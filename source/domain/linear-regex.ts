// Policy `matches` patterns run on request text anyone can write (a 10,000-character change summary), so they
// are compiled by RE2JS, a linear-time engine: no pattern can make evaluation backtrack exponentially
// (JavaScript's own engine takes minutes on `^(\w+\s?)*$` against 40 characters). RE2 syntax; backreferences
// and lookaround, which need backtracking, are refused when the configuration loads.
import { RE2JS } from 're2js';

export interface LinearRegex {
  test(text: string): boolean;
}

/** Compiles a pattern; throws an Error whose message says what RE2 could not accept. */
export function compileLinear(pattern: string): LinearRegex {
  const re = RE2JS.compile(pattern);
  return { test: (text) => re.matcher(text).find() };
}

/**
 * Linear in the input, but also in the pattern's size: `(.*){1000}` compiles to 4,002 instructions and takes a
 * second on a 10,000-character summary. Patterns are held to this many RE2 instructions (about 60 ms on that
 * summary, measured here), so no rule can hold the engine for long.
 */
export const MAX_PROGRAM_SIZE = 250;

/** Why a pattern cannot be used, or undefined when it can. */
export function linearRegexProblem(pattern: string): string | undefined {
  try {
    const size = RE2JS.compile(pattern).programSize();
    if (size > MAX_PROGRAM_SIZE) return `too large: it compiles to ${size} RE2 instructions, more than ${MAX_PROGRAM_SIZE} (matching time grows with the pattern's size times the text's); split it into several rules or drop counted repeats`;
    return undefined;
  } catch (error) {
    const why = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
    return `not a pattern the linear-time engine (RE2 syntax) accepts: ${why}; backreferences and lookaround are not supported`;
  }
}
