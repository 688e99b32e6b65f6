// Keys as the console understands them. Ink hands over a whole read at once when it holds plain text
// ("jj" typed within one read), and names Ctrl-A as input "a" with ctrl set: here a read becomes one key
// per character, and a letter is a letter only without Ctrl or Alt.
import type { Key } from 'ink';

export type KeyName = 'return' | 'escape' | 'tab' | 'backtab' | 'backspace' | 'up' | 'down' | 'left' | 'right' | 'pageup' | 'pagedown' | 'home' | 'end' | 'text';

export interface KeyPress {
  name: KeyName;
  /** The character typed (name 'text'), or the letter held with Ctrl/Alt. */
  text: string;
  ctrl: boolean;
  meta: boolean;
}

function named(key: Key): KeyName | undefined {
  if (key.return) return 'return';
  if (key.escape) return 'escape';
  if (key.tab) return key.shift ? 'backtab' : 'tab';
  if (key.backspace || key.delete) return 'backspace';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  return undefined;
}

/** One character of a plain-text run. */
function charKey(ch: string): KeyPress {
  const code = ch.codePointAt(0) ?? 0;
  if (ch === '\r' || ch === '\n') return { name: 'return', text: '', ctrl: false, meta: false };
  if (ch === '\t') return { name: 'tab', text: '', ctrl: false, meta: false };
  if (ch === '\u007f' || ch === '\b') return { name: 'backspace', text: '', ctrl: false, meta: false };
  if (code < 0x20) return { name: 'text', text: String.fromCharCode(code + 96), ctrl: true, meta: false };
  return { name: 'text', text: ch, ctrl: false, meta: false };
}

/** The keys in one of Ink's input events: one for a special key, one per character for a run of text. */
export function keysOf(input: string, key: Key): KeyPress[] {
  const name = named(key);
  if (name) return [{ name, text: '', ctrl: key.ctrl, meta: key.meta && name !== 'escape' }];
  if (key.ctrl || key.meta) return [{ name: 'text', text: input, ctrl: key.ctrl, meta: key.meta }];
  return [...input].map(charKey);
}

/** A plain character, not held with Ctrl or Alt. */
export const isChar = (k: KeyPress, ch: string): boolean => k.name === 'text' && !k.ctrl && !k.meta && k.text === ch;

/** Ctrl-C: cancels an open prompt or dialog; with none open, quits (the console renders with exitOnCtrlC off). */
export const isCtrlC = (k: KeyPress): boolean => k.name === 'text' && k.ctrl && !k.meta && k.text === 'c';
