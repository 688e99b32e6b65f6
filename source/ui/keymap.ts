// Key bindings as one typed table: it drives the input router, the hint line and the `?` overlay.
import type { Key } from 'ink';
import type { DeploymentView } from '../engine/deployment-view.js';

export type CommandId =
  | 'down' | 'up' | 'top' | 'bottom' | 'detail' | 'back' | 'filter' | 'nextPane' | 'sort'
  | 'approve' | 'reject' | 'pause' | 'step' | 'faster' | 'slower' | 'promote' | 'abort' | 'help' | 'quit';

export interface KeyContext {
  selected: DeploymentView | undefined;
  readonly: boolean;
  replay: boolean;
  replayPaused: boolean;
  detail: boolean;
}

export interface Binding {
  id: CommandId;
  /** As shown to people. */
  keys: string;
  description: string;
  match: (input: string, key: Key) => boolean;
  /** The hint for this context, or undefined when the command does not apply now. */
  hint: (c: KeyContext) => string | undefined;
  /** Decides something: refused in read-only mode. */
  decides?: boolean;
}

const awaiting = (c: KeyContext): boolean => c.selected?.state === 'awaiting_approval';
const inCanary = (c: KeyContext): boolean => c.selected?.state === 'canary' || c.selected?.state === 'paused';

export const BINDINGS: readonly Binding[] = [
  { id: 'down', keys: 'j ↓', description: 'next deployment', match: (i, k) => i === 'j' || k.downArrow, hint: () => undefined },
  { id: 'up', keys: 'k ↑', description: 'previous deployment', match: (i, k) => i === 'k' || k.upArrow, hint: () => 'j/k move' },
  { id: 'top', keys: 'g', description: 'first deployment', match: (i) => i === 'g', hint: () => undefined },
  { id: 'bottom', keys: 'G', description: 'last deployment', match: (i) => i === 'G', hint: () => undefined },
  { id: 'detail', keys: 'Enter', description: 'open the selected deployment', match: (_i, k) => k.return, hint: (c) => (c.selected && !c.detail ? '⏎ detail' : undefined) },
  { id: 'back', keys: 'Esc', description: 'back / close', match: (_i, k) => k.escape, hint: (c) => (c.detail ? 'esc back' : undefined) },
  { id: 'filter', keys: '/', description: 'filter by service, id, state or level', match: (i) => i === '/', hint: () => '/ filter' },
  { id: 'nextPane', keys: 'Tab', description: 'next pane', match: (_i, k) => k.tab, hint: () => undefined },
  { id: 'sort', keys: 's', description: 'cycle sort: age, risk, service, state', match: (i) => i === 's', hint: () => 's sort' },
  { id: 'approve', keys: 'a', description: 'approve the selected gated deployment', match: (i) => i === 'a', hint: (c) => (awaiting(c) ? 'a approve' : undefined), decides: true },
  { id: 'reject', keys: 'r', description: 'reject it (a reason is required)', match: (i) => i === 'r', hint: (c) => (awaiting(c) ? 'r reject' : undefined), decides: true },
  {
    id: 'pause',
    keys: 'p',
    description: "pause / resume the selected canary, else the replay",
    match: (i) => i === 'p',
    hint: (c) => (inCanary(c) && !c.readonly ? (c.selected?.state === 'paused' ? 'p resume canary' : 'p pause canary') : c.replay ? (c.replayPaused ? 'p play' : 'p pause replay') : undefined),
  },
  { id: 'step', keys: 'space', description: 'replay: step to the next event', match: (i) => i === ' ', hint: (c) => (c.replay && c.replayPaused ? 'space step' : undefined) },
  { id: 'faster', keys: '+', description: 'replay faster', match: (i) => i === '+' || i === '=', hint: (c) => (c.replay ? '+/- speed' : undefined) },
  { id: 'slower', keys: '-', description: 'replay slower', match: (i) => i === '-', hint: () => undefined },
  { id: 'promote', keys: 'P', description: 'promote the selected canary to its next stage', match: (i) => i === 'P', hint: (c) => (inCanary(c) ? 'P promote' : undefined), decides: true },
  { id: 'abort', keys: 'A', description: 'abort and roll back the selected canary (asks first)', match: (i) => i === 'A', hint: (c) => (inCanary(c) ? 'A abort' : undefined), decides: true },
  { id: 'help', keys: '?', description: 'this help', match: (i) => i === '?', hint: () => '? help' },
  { id: 'quit', keys: 'q', description: 'quit', match: (i) => i === 'q', hint: () => 'q quit' },
];

export function commandFor(input: string, key: Key): Binding | undefined {
  return BINDINGS.find((b) => b.match(input, key));
}

export function hints(c: KeyContext): string[] {
  return BINDINGS.filter((b) => !(b.decides && c.readonly)).flatMap((b) => b.hint(c) ?? []);
}
