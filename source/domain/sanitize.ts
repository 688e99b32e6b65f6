// Untrusted text (service names, summaries, reasons) made safe for a terminal: every control character,
// escape sequence introducer, bidi override and zero-width character is shown escaped, never interpreted.

// C0 and C1 controls, DEL, bidi embeddings/overrides/isolates and marks, zero-width characters, BOM,
// line/paragraph separators, and invisible fillers (soft hyphen, Hangul fillers, Mongolian selectors).
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u2069\u3164\ufeff\uffa0\ufff9-\ufffb]/gu;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** Lone surrogates (invalid UTF-16, e.g. from bad UTF-8 decoded leniently) become U+FFFD. */
export function toWellFormed(text: string): string {
  return LONE_SURROGATE.test(text) ? text.replace(LONE_SURROGATES, '\ufffd') : text;
}

function escapeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of safe text; newlines and tabs are escaped too, so a value cannot break a layout. */
export function sanitize(text: string, maxLength = 2_000): string {
  const safe = toWellFormed(text).replace(UNSAFE, escapeChar);
  return safe.length > maxLength ? `${safe.slice(0, maxLength - 1)}…` : safe;
}
