// Colours, symbols and glyphs. State is always shown by a symbol or word too, never by colour alone, and with
// colour off no SGR attribute is written at all, so --no-color and NO_COLOR draw byte-identical frames.
import type { LifecycleState } from '../engine/deployment-view.js';
import type { RiskLevel } from '../domain/risk.js';

export interface Theme {
  color: boolean;
  ascii: boolean;
}

export const LEVEL_COLOR: Record<RiskLevel, string> = { LOW: 'green', MEDIUM: 'yellow', HIGH: 'magenta', CRITICAL: 'red' };

interface StateLook {
  unicode: string;
  ascii: string;
  color: string;
  text: string;
}

// Keyed by string: a lifecycle state added to the engine shows by name before it gets its own symbol.
const STATE: Record<string, StateLook> = {
  awaiting_approval: { unicode: '⏸', ascii: '?', color: 'yellow', text: 'awaiting approval' },
  blocked: { unicode: '⛔', ascii: 'X', color: 'red', text: 'blocked' },
  rejected: { unicode: '✗', ascii: 'x', color: 'red', text: 'rejected' },
  withdrawn: { unicode: '✗', ascii: 'x', color: 'gray', text: 'withdrawn' },
  expired: { unicode: '⌛', ascii: '~', color: 'gray', text: 'expired' },
  canary: { unicode: '▶', ascii: '>', color: 'cyan', text: 'canary' },
  paused: { unicode: '‖', ascii: '|', color: 'yellow', text: 'paused' },
  rolling_back: { unicode: '↺', ascii: '<', color: 'red', text: 'rolling back' },
  rolled_back: { unicode: '↩', ascii: '<', color: 'red', text: 'rolled back' },
  rollback_failed: { unicode: '‼', ascii: '!', color: 'red', text: 'ROLLBACK FAILED' },
  promoted: { unicode: '✔', ascii: 'v', color: 'green', text: 'promoted' },
};

export function stateLabel(state: LifecycleState | string, theme: Theme, outcome?: string | null): { symbol: string; color: string; text: string } {
  const s = STATE[state] ?? { unicode: '•', ascii: '*', color: 'white', text: state.replaceAll('_', ' ') };
  const text = state === 'rolled_back' && outcome === 'failed' ? 'failed' : s.text;
  return { symbol: theme.ascii ? s.ascii : s.unicode, color: s.color, text };
}

/** States that need a person now: they ring the bell and count in the header. */
export const NEEDS_HUMAN: ReadonlySet<string> = new Set(['awaiting_approval', 'rollback_failed']);

/** Every non-ASCII glyph the console draws itself, with a one-cell ASCII stand-in (widths stay equal). */
const GLYPHS = {
  dot: ['·', '-'],
  ellipsis: ['…', '~'],
  times: ['×', 'x'],
  le: ['≤', '<='],
  ge: ['≥', '>='],
  enter: ['⏎', 'Enter'],
  left: ['←', '<'],
  right: ['→', '>'],
  arrow: ['→', '->'],
  open: ['“', '"'],
  close: ['”', '"'],
  pointer: ['›', '>'],
  focus: ['▸', '>'],
  cursor: ['▏', '_'],
  ok: ['✔', 'v'],
  bad: ['✗', 'x'],
  warn: ['⚠', '!'],
  paused: ['⏸', '||'],
  updown: ['↑↓', 'up/down'],
  up: ['↑', 'up'],
  down: ['↓', 'down'],
} as const;

export type Glyph = keyof typeof GLYPHS;

export function glyph(theme: Theme, name: Glyph): string {
  return GLYPHS[name][theme.ascii ? 1 : 0];
}

/** Text attributes, or none at all when colour is off (chalk under --no-color drops them anyway). */
export function attrs(theme: Theme, a: { color?: string | undefined; bold?: boolean; dim?: boolean; inverse?: boolean }): { color?: string; bold?: boolean; dimColor?: boolean; inverse?: boolean } {
  if (!theme.color) return {};
  return {
    ...(a.color ? { color: a.color } : {}),
    ...(a.bold ? { bold: true } : {}),
    ...(a.dim ? { dimColor: true } : {}),
    ...(a.inverse ? { inverse: true } : {}),
  };
}

export function bar(value: number, width: number, theme: Theme): string {
  const v = Math.min(1, Math.max(0, value));
  const filled = Math.round(v * width);
  return (theme.ascii ? '#' : '█').repeat(filled) + (theme.ascii ? '.' : '░').repeat(width - filled);
}

const SPARKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const ASCII_SPARKS = ['_', '.', '-', '~', '=', '*', '#', '@'];

/** A small sparkline scaled between 0 and max(limit, values). */
export function sparkline(values: readonly number[], limit: number, theme: Theme): string {
  const top = Math.max(limit, ...values) || 1;
  const chars = theme.ascii ? ASCII_SPARKS : SPARKS;
  return values.map((v) => chars[Math.min(chars.length - 1, Math.floor((v / top) * (chars.length - 1)))] ?? '').join('');
}

/** A focused button reads as focused without colour: brackets, not only inverse video. */
export function button(label: string, focused: boolean): string {
  return focused ? `[ ${label} ]` : `  ${label}  `;
}
