// JSON for output that a terminal may show: JSON.stringify leaves C1 controls, bidi overrides, zero-width
// characters and line separators raw (they are valid in JSON strings), so they are \u-escaped here. The result
// parses to exactly the same value.
const INVISIBLE = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/gu;

export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(INVISIBLE, (ch) => `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}
