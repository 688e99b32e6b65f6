// Key bindings as one typed table. Each binding carries its handler and its disabled reason (as lazygit's
// do), so the input router, the hint line, the `?` overlay and the refusal messages all come from here.
import type { DeploymentView } from '../engine/deployment-view.js';
import type { OperatorAction } from '../engine/operator-actions.js';
import { sameIdentity } from '../domain/identity.js';
import type { KeyPress } from './input.js';
import { isChar, isCtrlC } from './input.js';
import { stateLabel } from './theme.js';
import type { Effect, Pane, Step, UiContext, UiState } from './ui-state.js';
import { SORTS, seenOf } from './ui-state.js';

export type CommandId =
  | 'down' | 'up' | 'pageDown' | 'pageUp' | 'top' | 'bottom' | 'detail' | 'back' | 'filter' | 'command' | 'nextPane' | 'prevPane' | 'sort'
  | 'approve' | 'reject' | 'resolve' | 'pause' | 'step' | 'faster' | 'slower' | 'promote' | 'abort' | 'copy' | 'help' | 'quit';

/** What the bindings see: the UI state and its context, and the pinned selection as the engine has it now. */
export interface KeyContext extends UiContext {
  ui: UiState;
  selected: DeploymentView | undefined;
  /** The selection is one of the rows drawn (not hidden by the filter). */
  selectedVisible: boolean;
}

export interface Binding {
  id: CommandId;
  /** As shown to people. */
  keys: string;
  description: string;
  match: (k: KeyPress) => boolean;
  /** Why the command cannot run now, or undefined when it can. */
  disabled?: (c: KeyContext) => string | undefined;
  /** The short hint for the status line, when it is worth showing in this context. */
  hint?: (c: KeyContext) => string | undefined;
  /** Decides something: refused, and hidden, in a read-only console. */
  decides?: boolean;
  run: (c: KeyContext) => Step;
}

const step = (ui: UiState, ...effects: Effect[]): Step => ({ ui, effects });
const say = (c: KeyContext, text: string, error = false): Step => step({ ...c.ui, message: { text, error } });
const text = (d: DeploymentView): string => stateLabel(d.state, { color: false, ascii: true }, d.outcome).text;
const inCanary = (d: DeploymentView | undefined): boolean => d?.state === 'canary' || d?.state === 'paused';
/** The focused pane when it scrolls and is on screen (after a resize the focus may point at a pane gone). */
const scrolling = (c: KeyContext): 'audit' | 'timeline' | 'similar' | undefined =>
  (c.ui.pane === 'audit' || c.ui.pane === 'timeline' || c.ui.pane === 'similar') && c.panes.includes(c.ui.pane) ? c.ui.pane : undefined;

/** Why nothing can be decided about the selection, if so. */
function noTarget(c: KeyContext): string | undefined {
  if (c.readonly) return 'read-only console: nothing can be decided here';
  if (!c.ui.selectedId || !c.selected) return 'nothing selected: move to a deployment with j/k first';
  if (!c.selectedVisible) return `${c.selected.id} is hidden by the filter: j/k selects a row shown, Esc clears the filter`;
  return undefined;
}

/** Why the engine would refuse `action` on the selection now: the view carries the machine's answer (snapshot.can). */
const refusedByEngine = (c: KeyContext, action: OperatorAction): string | undefined => {
  const said = c.selected?.actions?.[action];
  if (!said) return noTarget(c) ?? 'the engine has not said what is allowed on this deployment';
  return noTarget(c) ?? (said.allowed ? undefined : said.why);
};

/** Moves the selection among the rows drawn; from a hidden selection, to the first row. */
function move(c: KeyContext, to: number | 'top' | 'bottom'): Step {
  const pane = scrolling(c);
  if (pane) {
    const max = Math.max(0, (pane === 'audit' ? c.auditIds.length : pane === 'similar' ? (c.similarIds?.length ?? 0) : (c.timelineCount ?? 0)) - 1);
    // Audit and timeline offsets count back from the newest line; the similar list counts from the top.
    const delta = pane === 'similar' ? (to === 'top' ? -max : to === 'bottom' ? max : to) : to === 'top' ? max : to === 'bottom' ? -max : -to;
    return step({ ...c.ui, scroll: { ...c.ui.scroll, [pane]: Math.min(max, Math.max(0, c.ui.scroll[pane] + delta)) } });
  }
  if (c.rows.length === 0) return step(c.ui);
  const i = c.rows.findIndex((d) => d.id === c.ui.selectedId);
  const next = to === 'top' ? 0 : to === 'bottom' ? c.rows.length - 1 : i < 0 ? 0 : Math.min(c.rows.length - 1, Math.max(0, i + to));
  // The operator's own move: the selection is theirs now, nothing to go back to.
  return step({ ...c.ui, selectedId: c.rows[next]?.id, message: undefined, returnTo: undefined, scroll: { ...c.ui.scroll, timeline: 0, similar: 0 } });
}

/**
 * Enter on an audit or similar line: that line's deployment in the detail view, said in the status line, with
 * the table's selection kept to come back to on Esc (the deciding keys act on what the detail shows).
 */
function openLine(c: KeyContext, pane: 'audit' | 'similar', id: string | undefined): Step {
  const scroll = { ...c.ui.scroll, timeline: 0, similar: 0 };
  if (id === undefined || id === c.ui.selectedId) return step({ ...c.ui, detail: true, pane: 'risk', scroll });
  // From one opened line to another, Esc still goes back to the table's selection (a stale one left by `:audit` is not).
  const returnTo = (c.ui.detail ? c.ui.returnTo : undefined) ?? { id: c.ui.selectedId, pane: c.ui.pane };
  const back = returnTo.id === undefined ? 'Esc goes back' : `Esc goes back to ${returnTo.id}`;
  const text = `showing ${id} from the ${pane === 'audit' ? 'audit line' : 'similar list'}: keys here act on ${id}; ${back}`;
  return step({ ...c.ui, selectedId: id, detail: true, pane: 'risk', scroll, returnTo, message: { text, error: false } });
}

function cyclePane(c: KeyContext, by: number): Step {
  const panes = c.panes.length > 0 ? c.panes : (['deployments'] as Pane[]);
  const i = panes.indexOf(c.ui.pane);
  const next = panes[(((i < 0 ? 0 : i + by) % panes.length) + panes.length) % panes.length] ?? 'deployments';
  return step({ ...c.ui, pane: next });
}

export const BINDINGS: readonly Binding[] = [
  { id: 'down', keys: 'j ↓', description: 'next deployment (scrolls the audit, timeline or similar pane when focused)', match: (k) => isChar(k, 'j') || k.name === 'down', run: (c) => move(c, 1) },
  { id: 'up', keys: 'k ↑', description: 'previous deployment (or scroll)', match: (k) => isChar(k, 'k') || k.name === 'up', hint: () => 'j/k move', run: (c) => move(c, -1) },
  { id: 'pageDown', keys: 'PgDn', description: 'ten rows down (or scroll ten lines)', match: (k) => k.name === 'pagedown', run: (c) => move(c, 10) },
  { id: 'pageUp', keys: 'PgUp', description: 'ten rows up (or scroll ten lines)', match: (k) => k.name === 'pageup', run: (c) => move(c, -10) },
  { id: 'top', keys: 'g', description: 'first deployment (oldest line when scrolling)', match: (k) => isChar(k, 'g') || k.name === 'home', run: (c) => move(c, 'top') },
  { id: 'bottom', keys: 'G', description: 'last deployment (newest line when scrolling)', match: (k) => isChar(k, 'G') || k.name === 'end', run: (c) => move(c, 'bottom') },
  {
    id: 'detail',
    keys: 'Enter',
    description: "open the selected deployment; on an audit or similar line, that line's deployment",
    match: (k) => k.name === 'return',
    disabled: (c) => {
      const pane = scrolling(c);
      if (pane === 'audit') return c.auditIds.at(-1 - c.ui.scroll.audit) ? undefined : 'this audit line belongs to no deployment';
      if (pane === 'similar') {
        const id = c.similarIds?.[c.ui.scroll.similar];
        return id === undefined ? 'no similar deployment here' : c.get(id) ? undefined : `${id} is in the history only: it finished before this database began`;
      }
      return c.selected ? undefined : 'nothing selected';
    },
    hint: (c) => (c.selected && !c.ui.detail ? 'Enter detail' : undefined),
    run: (c) => {
      const pane = scrolling(c);
      if (pane === 'audit' || pane === 'similar') return openLine(c, pane, (pane === 'audit' ? c.auditIds.at(-1 - c.ui.scroll.audit) : c.similarIds?.[c.ui.scroll.similar]) ?? undefined);
      return step({ ...c.ui, detail: true, pane: c.ui.pane === 'deployments' ? 'risk' : c.ui.pane });
    },
  },
  {
    id: 'back',
    keys: 'Esc',
    description: 'back / close (to the selection before an audit or similar line was opened); clears a filter',
    match: (k) => k.name === 'escape',
    hint: (c) => (c.ui.detail ? (c.ui.returnTo?.id ? `Esc back to ${c.ui.returnTo.id}` : 'Esc back') : c.ui.filter ? 'Esc clear filter' : undefined),
    run: (c) => {
      const r = c.ui.returnTo;
      if (c.ui.detail && r) {
        const ui: UiState = { ...c.ui, detail: false, pane: r.pane, selectedId: r.id, returnTo: undefined };
        return r.id ? say({ ...c, ui }, `back: the selection is ${r.id} again`) : step(ui);
      }
      return step(c.ui.detail ? { ...c.ui, detail: false, pane: 'deployments' } : c.ui.filter ? { ...c.ui, filter: '' } : { ...c.ui, message: undefined });
    },
  },
  { id: 'filter', keys: '/', description: 'filter as you type: service, id, version, state or level', match: (k) => isChar(k, '/'), hint: () => '/ filter', run: (c) => step({ ...c.ui, dialog: { kind: 'filter', text: c.ui.filter } }) },
  { id: 'command', keys: ':', description: 'command: awaiting, canary, failed, service NAME, audit, all, quit (Tab completes)', match: (k) => isChar(k, ':'), hint: () => ': command', run: (c) => step({ ...c.ui, dialog: { kind: 'command', text: '' } }) },
  { id: 'nextPane', keys: 'Tab', description: 'focus the next pane on screen', match: (k) => k.name === 'tab', hint: () => 'Tab focus', run: (c) => cyclePane(c, 1) },
  { id: 'prevPane', keys: 'S-Tab', description: 'focus the previous pane', match: (k) => k.name === 'backtab', run: (c) => cyclePane(c, -1) },
  { id: 'sort', keys: 's', description: 'cycle sort: age, risk, service, state', match: (k) => isChar(k, 's'), hint: () => 's sort', run: (c) => step({ ...c.ui, sort: SORTS[(SORTS.indexOf(c.ui.sort) + 1) % SORTS.length] ?? 'age' }) },
  {
    id: 'approve',
    keys: 'a',
    description: 'approve the selected gated deployment (always asks, naming it)',
    match: (k) => isChar(k, 'a'),
    decides: true,
    disabled: (c) => refusedByEngine(c, 'approve') ?? (c.selected && sameIdentity(c.selected.request.requestedBy, c.operator) ? `${c.operator} requested ${c.selected.id} and cannot approve it` : undefined),
    hint: () => 'a approve',
    run: (c) => {
      const d = c.selected as DeploymentView;
      const risky = d.assessment.level === 'HIGH' || d.assessment.level === 'CRITICAL';
      return step({ ...c.ui, message: undefined, dialog: { kind: 'confirmApprove', id: d.id, seen: seenOf(d), choice: risky ? 'cancel' : 'approve' } });
    },
  },
  {
    id: 'reject',
    keys: 'r',
    description: 'reject it (a reason is required)',
    match: (k) => isChar(k, 'r'),
    decides: true,
    disabled: (c) => refusedByEngine(c, 'reject'),
    hint: () => 'r reject',
    run: (c) => {
      const d = c.selected as DeploymentView;
      return step({ ...c.ui, message: undefined, dialog: { kind: 'rejectReason', id: d.id, seen: seenOf(d), text: '' } });
    },
  },
  {
    id: 'resolve',
    keys: 'R',
    description: 'resolve a failed rollback once the previous version is restored (say what was done)',
    match: (k) => isChar(k, 'R'),
    decides: true,
    disabled: (c) => refusedByEngine(c, 'resolve'),
    hint: () => 'R resolve',
    run: (c) => {
      const d = c.selected as DeploymentView;
      return step({ ...c.ui, message: undefined, dialog: { kind: 'resolveReason', id: d.id, seen: seenOf(d), text: '' } });
    },
  },
  {
    id: 'pause',
    keys: 'p',
    description: 'pause / resume the selected canary; otherwise pause / play the replay',
    match: (k) => isChar(k, 'p'),
    disabled: (c) => (inCanary(c.selected) && c.selectedVisible ? refusedByEngine(c, c.selected?.state === 'paused' ? 'resume' : 'pause') : c.replay ? undefined : 'select a deployment in canary to pause it'),
    hint: (c) => (inCanary(c.selected) && c.selectedVisible ? (c.selected?.state === 'paused' ? 'p resume canary' : 'p pause canary') : c.replayPaused ? 'p play' : 'p pause replay'),
    run: (c) => {
      const d = c.selected;
      if (d && inCanary(d) && c.selectedVisible) return step({ ...c.ui, message: undefined }, { kind: 'decide', action: d.state === 'paused' ? 'resume' : 'pause', id: d.id });
      return step(c.ui, { kind: 'replay', op: 'toggle' });
    },
  },
  { id: 'step', keys: 'space', description: 'paused replay: step to the next event', match: (k) => isChar(k, ' '), disabled: (c) => (c.replay ? (c.replayPaused ? undefined : 'the replay is playing: p pauses it first') : 'no replay in live mode'), hint: () => 'space step', run: (c) => step(c.ui, { kind: 'replay', op: 'step' }) },
  { id: 'faster', keys: '+', description: 'replay faster', match: (k) => isChar(k, '+') || isChar(k, '='), disabled: (c) => (c.replay ? undefined : 'no replay in live mode'), hint: () => '+/- speed', run: (c) => step(c.ui, { kind: 'replay', op: 'faster' }) },
  { id: 'slower', keys: '-', description: 'replay slower', match: (k) => isChar(k, '-'), disabled: (c) => (c.replay ? undefined : 'no replay in live mode'), run: (c) => step(c.ui, { kind: 'replay', op: 'slower' }) },
  {
    id: 'promote',
    keys: 'P',
    description: "promote the selected canary to its next stage, skipping the rest of this stage's analysis (asks first, Cancel by default)",
    match: (k) => isChar(k, 'P'),
    decides: true,
    disabled: (c) => refusedByEngine(c, 'promote'),
    hint: () => 'P promote',
    run: (c) => {
      const d = c.selected as DeploymentView;
      return step({ ...c.ui, message: undefined, dialog: { kind: 'confirmPromote', id: d.id, seen: seenOf(d), choice: 'cancel' } });
    },
  },
  {
    id: 'abort',
    keys: 'A',
    description: 'abort and roll back the selected canary (asks first, Cancel by default)',
    match: (k) => isChar(k, 'A'),
    decides: true,
    disabled: (c) => refusedByEngine(c, 'abort'),
    hint: () => 'A abort',
    run: (c) => {
      const d = c.selected as DeploymentView;
      return step({ ...c.ui, message: undefined, dialog: { kind: 'confirmAbort', id: d.id, seen: seenOf(d), choice: 'cancel' } });
    },
  },
  { id: 'copy', keys: 'y', description: "copy the selected deployment's id (OSC 52 clipboard)", match: (k) => isChar(k, 'y'), disabled: (c) => (c.selected ? undefined : 'nothing selected'), hint: () => 'y copy id', run: (c) => step(say(c, `copied ${c.selected?.id ?? ''} to the clipboard (OSC 52)`).ui, { kind: 'copy', text: c.selected?.id ?? '' }) },
  { id: 'help', keys: '?', description: 'this help', match: (k) => isChar(k, '?'), hint: () => '? help', run: (c) => step({ ...c.ui, dialog: { kind: 'help', offset: 0 } }) },
  { id: 'quit', keys: 'q Ctrl-C', description: 'quit (in a prompt or dialog Ctrl-C cancels it: a second Ctrl-C quits)', match: (k) => isChar(k, 'q') || isCtrlC(k), hint: () => 'q quit', run: (c) => step(c.ui, { kind: 'quit' }) },
];

export function bindingFor(k: KeyPress): Binding | undefined {
  return BINDINGS.find((b) => b.match(k));
}

/** Why a binding cannot run now (read-only first), or undefined. */
export function disabledReason(b: Binding, c: KeyContext): string | undefined {
  if (b.decides && c.readonly) return 'read-only console: nothing can be decided here';
  return b.disabled?.(c);
}

/** The hint line: the bindings that can run now and are worth a hint. */
export function hints(c: KeyContext): string[] {
  return BINDINGS.filter((b) => !(b.decides && c.readonly) && disabledReason(b, c) === undefined).flatMap((b) => b.hint?.(c) ?? []);
}
