// --ascii: the console's own glyphs come from the theme's ASCII table, but Ink cuts a line with "…" and
// untrusted text may hold any character. The terminal stream is filtered last: "…" becomes "~", any other
// non-ASCII character "?" per cell it takes, so widths (and the layout) stay as drawn.
import stringWidth from 'string-width';

const NON_ASCII = /[^\u0000-\u007f]/gu;

export function asciiOnly(text: string): string {
  return text.replace(NON_ASCII, (ch) => (ch === '…' ? '~' : '?'.repeat(Math.max(1, stringWidth(ch)))));
}

/** The same stream, writing ASCII only; everything else (columns, rows, resize events) passes through. */
export function asciiStdout(stdout: NodeJS.WriteStream): NodeJS.WriteStream {
  const write = (chunk: unknown, ...rest: unknown[]): boolean =>
    (stdout.write as (c: unknown, ...r: unknown[]) => boolean)(typeof chunk === 'string' ? asciiOnly(chunk) : chunk, ...rest);
  return new Proxy(stdout, {
    get(target, prop) {
      if (prop === 'write') return write;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
