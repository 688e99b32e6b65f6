// Colours and symbols. State is always shown by a symbol or word too, never by colour alone.
import type { LifecycleState } from '../engine/deployment-view.js';
import type { RiskLevel } from '../domain/risk.js';

export interface Theme {
  color: boolean;
  ascii: boolean;
}

export const LEVEL_COLOR: Record<RiskLevel, string> = { LOW: 'green', MEDIUM: 'yellow', HIGH: 'magenta', CRITICAL: 'red' };

const STATE: Record<LifecycleState, { unicode: string; ascii: string; color: string; text: string }> = {
  awaiting_approval: { unicode: '⏸', ascii: '?', color: 'yellow', text: 'awaiting approval' },
  blocked: { unicode: '⛔', ascii: 'X', color: 'red', text: 'blocked' },
  rejected: { unicode: '✗', ascii: 'x', color: 'red', text: 'rejected' },
  expired: { unicode: '⌛', ascii: '~', color: 'gray', text: 'expired' },
  canary: { unicode: '▶', ascii: '>', color: 'cyan', text: 'canary' },
  paused: { unicode: '‖', ascii: '|', color: 'yellow', text: 'paused' },
  rolling_back: { unicode: '↺', ascii: '<', color: 'red', text: 'rolling back' },
  rolled_back: { unicode: '↩', ascii: '<', color: 'red', text: 'rolled back' },
  promoted: { unicode: '✔', ascii: 'v', color: 'green', text: 'promoted' },
};

export function stateLabel(state: LifecycleState, theme: Theme, outcome?: string | null): { symbol: string; color: string; text: string } {
  const s = STATE[state];
  const text = state === 'rolled_back' && outcome === 'failed' ? 'failed' : s.text;
  return { symbol: theme.ascii ? s.ascii : s.unicode, color: s.color, text };
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
