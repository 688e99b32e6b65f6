// PromQL query templates with {service} {version} {deployment} {percent} {stage} placeholders. Text values
// go inside double-quoted string literals and are escaped there, so request text can never change a query:
// a version like `1.0"} or vector(1) #` stays one string. Inside a regex matcher (=~, !~) the value is also
// regex-quoted, so `.*` matches only itself. Templates that put a text placeholder anywhere else are refused.

export const TEXT_PLACEHOLDERS = ['service', 'version', 'deployment'] as const;
export const NUMBER_PLACEHOLDERS = ['percent', 'stage'] as const;
export type Placeholder = (typeof TEXT_PLACEHOLDERS)[number] | (typeof NUMBER_PLACEHOLDERS)[number];
export type TemplateValues = Record<(typeof TEXT_PLACEHOLDERS)[number], string> & Record<(typeof NUMBER_PLACEHOLDERS)[number], number>;

const PLACEHOLDER = /\{(service|version|deployment|percent|stage)\}/y;

/** Go string-literal escaping, which PromQL's double-quoted strings follow. */
export function escapePromqlString(value: string): string {
  return value.replace(/[\\"\n\r\t]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? c);
}

/** RE2 quoting, as Go's regexp.QuoteMeta: every metacharacter matched literally. */
export function quoteRegex(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

type Piece = { text: string } | { name: Placeholder; context: 'string' | 'regex' | 'bare' | 'single-quoted' };

/** Splits a template into text and placeholders, knowing for each placeholder what literal it stands in. */
function parse(template: string): Piece[] {
  const pieces: Piece[] = [];
  let text = '';
  let quote: '"' | "'" | '`' | null = null;
  let regex = false;
  for (let i = 0; i < template.length; ) {
    const c = template[i] as string;
    PLACEHOLDER.lastIndex = i;
    const m = PLACEHOLDER.exec(template);
    if (m) {
      pieces.push({ text }, { name: m[1] as Placeholder, context: quote === '"' ? (regex ? 'regex' : 'string') : quote === null ? 'bare' : 'single-quoted' });
      text = '';
      i += m[0].length;
      continue;
    }
    text += c;
    if (quote !== null && quote !== '`' && c === '\\') {
      text += template[i + 1] ?? '';
      i += 2;
      continue;
    }
    if (quote === null && (c === '"' || c === "'" || c === '`')) {
      quote = c;
      regex = /[=!]~\s*$/.test(template.slice(0, i));
    } else if (c === quote) quote = null;
    i += 1;
  }
  pieces.push({ text });
  return pieces;
}

/** What is wrong with a template, in words for a configuration error; undefined when it is fine. */
export function templateProblem(template: string): string | undefined {
  for (const p of parse(template)) {
    if (!('name' in p)) continue;
    const text = (TEXT_PLACEHOLDERS as readonly string[]).includes(p.name);
    if (text && p.context !== 'string' && p.context !== 'regex') return `{${p.name}} must stand inside a double-quoted string, e.g. version="{${p.name}}"`;
    if (!text && p.context === 'single-quoted') return `{${p.name}} may not stand inside a single-quoted or raw string`;
  }
  return undefined;
}

/** The query for these values; call only with a template `templateProblem` accepted. */
export function renderTemplate(template: string, values: TemplateValues): string {
  return parse(template)
    .map((p) => {
      if (!('name' in p)) return p.text;
      const value = String(values[p.name]);
      if (p.context === 'regex') return escapePromqlString(quoteRegex(value));
      return p.context === 'string' ? escapePromqlString(value) : value;
    })
    .join('');
}
