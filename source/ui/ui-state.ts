// The console's own state (selection, filter, dialogs), kept apart from the engine's data.
import type { DeploymentView } from '../engine/deployment-view.js';

export type SortKey = 'age' | 'risk' | 'service' | 'state';
export const SORTS: readonly SortKey[] = ['age', 'risk', 'service', 'state'];
export type Pane = 'deployments' | 'risk' | 'canary' | 'similar' | 'timeline' | 'audit';

/** What a decision dialog was opened on: if any of it changes before Enter, the decision is refused. */
export interface Seen {
  state: string;
  stage: number;
  outcome: string | null;
}

export const seenOf = (d: DeploymentView): Seen => ({ state: d.state, stage: d.stage, outcome: d.outcome });
export const sameSeen = (a: Seen, b: Seen): boolean => a.state === b.state && a.stage === b.stage && a.outcome === b.outcome;

export type Dialog =
  | { kind: 'none' }
  | { kind: 'help'; offset: number }
  | { kind: 'filter'; text: string }
  | { kind: 'command'; text: string }
  /**
   * `armed` once the read that opened it is over: an Enter typed or pasted together with the key that opened
   * the dialog ("a⏎" in one burst) is not taken as a decision nobody saw.
   */
  /** `offset`: the first line of the dialog's body shown, when it is taller than the screen (↑/↓ scroll it). */
  | { kind: 'confirmApprove'; id: string; seen: Seen; choice: 'cancel' | 'approve'; armed?: boolean; offset?: number }
  | { kind: 'confirmAbort'; id: string; seen: Seen; choice: 'cancel' | 'abort'; armed?: boolean; offset?: number }
  /** Promoting skips the rest of the stage's analysis: asked first, Cancel by default, refused if the canary moved. */
  | { kind: 'confirmPromote'; id: string; seen: Seen; choice: 'cancel' | 'promote'; armed?: boolean; offset?: number }
  | { kind: 'rejectReason'; id: string; seen: Seen; text: string }
  | { kind: 'resolveReason'; id: string; seen: Seen; text: string };

/** Dialogs that hold a decision: while one is open the replay holds still. */
export const DECIDING: ReadonlySet<Dialog['kind']> = new Set(['confirmApprove', 'confirmAbort', 'confirmPromote', 'rejectReason', 'resolveReason', 'help']);

export interface UiState {
  /** Pinned to a deployment id: arrivals, sorts and filters never move it; only the operator does. */
  selectedId: string | undefined;
  filter: string;
  sort: SortKey;
  pane: Pane;
  detail: boolean;
  dialog: Dialog;
  /** Scroll offsets: audit and timeline count back from the newest line, similar from the top. */
  scroll: { audit: number; timeline: number; similar: number };
  message: { text: string; error: boolean } | undefined;
  /**
   * The table's selection before Enter on an audit or similar line opened another deployment's detail: Esc
   * back restores it, so reading a line never silently changes what the deciding keys act on later.
   */
  returnTo?: { id: string | undefined; pane: Pane } | undefined;
}

export const INITIAL_UI: UiState = {
  selectedId: undefined,
  filter: '',
  sort: 'age',
  pane: 'deployments',
  detail: false,
  dialog: { kind: 'none' },
  scroll: { audit: 0, timeline: 0, similar: 0 },
  message: undefined,
};

export type Decision = 'approve' | 'reject' | 'pause' | 'resume' | 'promote' | 'abort' | 'resolve';

/** What a key asks of the world outside the UI state: the App carries these out. */
export type Effect =
  | { kind: 'decide'; action: Decision; id: string; reason?: string }
  | { kind: 'replay'; op: 'toggle' | 'step' | 'faster' | 'slower' }
  | { kind: 'copy'; text: string }
  | { kind: 'quit' };

export interface Step {
  ui: UiState;
  effects: Effect[];
}

/** What the reducer may read: the rows as drawn, the engine's current views, who is at the keyboard. */
export interface UiContext {
  rows: readonly DeploymentView[];
  get(id: string): DeploymentView | undefined;
  operator: string;
  readonly: boolean;
  replay: boolean;
  replayPaused: boolean;
  /** Panes on screen, in Tab order. */
  panes: readonly Pane[];
  /** Deployment ids of the audit lines, oldest first (Enter on an audit line opens its deployment). */
  auditIds: readonly (string | null)[];
  /** Lines in the detail view's timeline (how far it scrolls). */
  timelineCount?: number;
  /** How far the open confirmation's body scrolls (its lines beyond the rows it has), as last drawn. */
  dialogScrollMax?: number;
  /** Ids of the selected deployment's similar past deployments, most similar first. */
  similarIds?: readonly string[];
}
