// RFC 8785 (JCS) canonical JSON: keys sorted by UTF-16 code units, ES number formatting, JSON.stringify's
// string escaping. Lone surrogates, which JCS refuses, become U+FFFD so hostile text stays auditable.
// A property test holds this byte-equal to the `canonicalize` library wherever that library accepts input.

import { toWellFormed } from '../domain/sanitize.js';

// Nothing JSON.stringify would escape and no surrogate (a lone one becomes U+FFFD below): the string goes out as
// it is, between quotes. Most audit strings are like that, and the test is quicker than JSON.stringify.
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;
const string = (s: string): string => (PLAIN.test(s) ? `"${s}"` : JSON.stringify(toWellFormed(s)));

export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return string(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`${value} is not allowed in canonical JSON`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((v) => (v === undefined || typeof v === 'function' || typeof v === 'symbol' ? 'null' : canonicalJson(v))).join(',')}]`;
      const obj = value as Record<string, unknown> & { toJSON?: () => unknown };
      if (typeof obj.toJSON === 'function') return canonicalJson(obj.toJSON());
      let out = '';
      for (const key of sortedKeys(obj)) {
        const v = obj[key];
        if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
        out += `${out ? ',' : ''}${string(key)}:${canonicalJson(v)}`;
      }
      return `{${out}}`;
    }
    default:
      throw new Error(`${typeof value} is not allowed in canonical JSON`);
  }
}

/**
 * The keys in UTF-16 code-unit order, as JCS requires (both `<` on strings and the default sort compare code
 * units). Audit payloads are small objects: an insertion sort is about four times quicker there than
 * Array.prototype.sort; larger objects take the library sort.
 */
function sortedKeys(obj: object): string[] {
  const keys = Object.keys(obj);
  if (keys.length > 12) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    for (; j >= 0 && (keys[j] as string) > key; j--) keys[j + 1] = keys[j] as string;
    keys[j + 1] = key;
  }
  return keys;
}
