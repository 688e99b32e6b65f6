// Text measured in terminal cells (string-width: East Asian wide characters take two), cut and wrapped so a
// layout never shifts, and a cut always says so with an ellipsis.
import stringWidth from 'string-width';

/** Printable ASCII: one cell a character, so the common case skips string-width (measured per frame). */
const ASCII = /^[\x20-\x7e]*$/;

export const cells = (text: string): number => (ASCII.test(text) ? text.length : stringWidth(text));

/** The longest prefix of `text` that fits in `width` cells. */
function headCells(text: string, width: number): string {
  if (ASCII.test(text)) return text.slice(0, Math.max(0, width));
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = stringWidth(ch);
    if (used + w > width) break;
    out += ch;
    used += w;
  }
  return out;
}

/** The longest suffix of `text` that fits in `width` cells. */
function tailCells(text: string, width: number): string {
  if (ASCII.test(text)) return width <= 0 ? '' : text.slice(-width);
  const chars = [...text];
  let out = '';
  let used = 0;
  for (let i = chars.length - 1; i >= 0; i--) {
    const ch = chars[i] ?? '';
    const w = stringWidth(ch);
    if (used + w > width) break;
    out = ch + out;
    used += w;
  }
  return out;
}

const pad = (text: string, width: number): string => text + ' '.repeat(Math.max(0, width - cells(text)));

/** Exactly `width` cells: padded, or cut with `ellipsis` at the end. */
export function fit(text: string, width: number, ellipsis = '…'): string {
  if (width <= 0) return '';
  if (cells(text) <= width) return pad(text, width);
  return pad(headCells(text, width - 1) + ellipsis, width);
}

/** Exactly `width` cells, cut in front: ids keep their distinguishing suffix (`…ments-0042`). */
export function fitTail(text: string, width: number, ellipsis = '…'): string {
  if (width <= 0) return '';
  if (cells(text) <= width) return pad(text, width);
  return pad(ellipsis + tailCells(text, width - 1), width);
}

/** Word-wrapped lines of at most `width` cells; words longer than a line are split. */
export function wrap(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/ +/)) {
    let rest = word;
    while (cells(rest) > w) {
      if (line) {
        lines.push(line);
        line = '';
      }
      const head = headCells(rest, w);
      lines.push(head);
      rest = rest.slice(head.length);
    }
    if (!line) line = rest;
    else if (cells(line) + 1 + cells(rest) <= w) line += ` ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}
