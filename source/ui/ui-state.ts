// The console's own state (selection, filter, dialogs), kept apart from the engine's data.
export type SortKey = 'age' | 'risk' | 'service' | 'state';
export const SORTS: readonly SortKey[] = ['age', 'risk', 'service', 'state'];
export type Pane = 'deployments' | 'risk' | 'canary' | 'similar' | 'audit';
export const PANES: readonly Pane[] = ['deployments', 'risk', 'canary', 'similar', 'audit'];

export type Dialog =
  | { kind: 'none' }
  | { kind: 'help' }
  | { kind: 'filter'; text: string }
  | { kind: 'confirmApprove'; id: string; choice: 'cancel' | 'approve' }
  | { kind: 'confirmAbort'; id: string; choice: 'cancel' | 'abort' }
  | { kind: 'rejectReason'; id: string; text: string };

export interface UiState {
  selectedId: string | undefined;
  filter: string;
  sort: SortKey;
  pane: Pane;
  detail: boolean;
  dialog: Dialog;
  message: { text: string; error: boolean } | undefined;
}

export const INITIAL_UI: UiState = { selectedId: undefined, filter: '', sort: 'age', pane: 'deployments', detail: false, dialog: { kind: 'none' }, message: undefined };
