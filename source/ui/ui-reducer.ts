// The console's UI as a pure function: (state, key, context) → (state, effects). No Ink, no engine calls, so
// the pinned selection and the dialogs' refusals are tested with random interleavings, without a terminal.
import type { DeploymentView } from '../engine/deployment-view.js';
import type { KeyPress } from './input.js';
import { isCtrlC } from './input.js';
import type { KeyContext } from './keymap.js';
import { bindingFor, disabledReason } from './keymap.js';
import { stateLabel } from './theme.js';
import type { Dialog, Seen, Step, UiContext, UiState } from './ui-state.js';
import { sameSeen } from './ui-state.js';

export function keyContext(ui: UiState, ctx: UiContext): KeyContext {
  const selected = ui.selectedId === undefined ? undefined : ctx.get(ui.selectedId);
  return { ...ctx, ui, selected, selectedVisible: selected !== undefined && ctx.rows.some((d) => d.id === selected.id) };
}

/** With nothing selected yet, the first row drawn becomes the selection, pinned by its id from then on. */
export function pin(ui: UiState, ctx: Pick<UiContext, 'rows'>): UiState {
  const first = ctx.rows[0];
  return ui.selectedId === undefined && first ? { ...ui, selectedId: first.id } : ui;
}

/** A read of keys is over: an open confirmation now takes Enter (see `armed`). */
export function armDialog(ui: UiState): UiState {
  const d = ui.dialog;
  return d && (d.kind === 'confirmApprove' || d.kind === 'confirmAbort' || d.kind === 'confirmPromote') && !d.armed ? { ...ui, dialog: { ...d, armed: true } } : ui;
}

export function reduceKey(ui: UiState, k: KeyPress, ctx: UiContext): Step {
  if (ui.dialog.kind !== 'none') return dialogKey(ui, ui.dialog, k, ctx);
  const binding = bindingFor(k);
  if (!binding) return { ui, effects: [] };
  // The last message stays until the next key that does something; a new one replaces it.
  const c = keyContext(ui.message ? { ...ui, message: undefined } : ui, ctx);
  const reason = disabledReason(binding, c);
  if (reason) return { ui: { ...ui, message: { text: reason, error: true } }, effects: [] };
  return binding.run(c);
}

const plain = (k: KeyPress): string | undefined => (k.name === 'text' && !k.ctrl && !k.meta ? k.text : undefined);
const say = (ui: UiState, text: string, error = false): UiState => ({ ...ui, message: { text, error } });
const close = (ui: UiState): UiState => ({ ...ui, dialog: { kind: 'none' } });
const words = (s: Seen): string => stateLabel(s.state, { color: false, ascii: true }, s.outcome).text + (s.state === 'canary' || s.state === 'paused' ? ` at stage ${s.stage + 1}` : '');

/** For an abort: the canary still runs (any stage, paused or not); otherwise why not. */
function stillRunning(id: string, seen: Seen, ctx: UiContext): string | undefined {
  const now = ctx.get(id);
  if (now && (now.state === 'canary' || now.state === 'paused') && now.outcome === null) return undefined;
  return unchanged(id, seen, ctx) ?? `nothing was done: ${id} is no longer in canary`;
}

/** The deployment as it is now, if it is still as the dialog showed it; otherwise why not. */
function unchanged(id: string, seen: Seen, ctx: UiContext): string | undefined {
  const now: DeploymentView | undefined = ctx.get(id);
  if (!now) return `nothing was done: ${id} is gone`;
  const current = { state: now.state, stage: now.stage, outcome: now.outcome };
  if (sameSeen(seen, current)) return undefined;
  const by = now.decidedBy ? ` by ${now.decidedBy}` : '';
  return `nothing was done: ${id} changed while the dialog was open (was ${words(seen)}, now ${words(current)}${by})`;
}

function edit(text: string, k: KeyPress, max: number): string | undefined {
  if (k.name === 'backspace') return text.slice(0, -1);
  const ch = plain(k);
  return ch === undefined ? undefined : (text + ch).slice(0, max);
}

/** What Ctrl-C cancelled, as the status line says it. */
const CANCELLED: Record<Exclude<Dialog['kind'], 'none'>, string> = {
  help: 'help closed',
  filter: 'filter cleared',
  command: 'command cancelled',
  rejectReason: 'rejection cancelled: nothing was done',
  resolveReason: 'resolve cancelled: nothing was done',
  confirmApprove: 'approval cancelled: nothing was done',
  confirmAbort: 'abort cancelled: nothing was done',
  confirmPromote: 'promotion cancelled: nothing was done',
};

/** The keys that scroll a confirmation's body taller than the screen, and by how much. */
function scrollBy(k: KeyPress): number | 'top' | 'bottom' | undefined {
  const ch = plain(k);
  if (k.name === 'down' || ch === 'j') return 1;
  if (k.name === 'up' || ch === 'k') return -1;
  if (k.name === 'pagedown') return 10;
  if (k.name === 'pageup') return -10;
  if (k.name === 'home') return 'top';
  if (k.name === 'end') return 'bottom';
  return undefined;
}

const YES = { confirmApprove: 'approve', confirmAbort: 'abort', confirmPromote: 'promote' } as const;

function dialogKey(ui: UiState, d: Exclude<Dialog, { kind: 'none' }>, k: KeyPress, ctx: UiContext): Step {
  const none: Step = { ui, effects: [] };
  // Ctrl-C cancels whatever prompt or dialog is open (as Esc does) and says so; only a second one quits.
  if (isCtrlC(k)) return { ui: say({ ...close(ui), ...(d.kind === 'filter' ? { filter: '' } : {}) }, `${CANCELLED[d.kind]} (Ctrl-C: a second Ctrl-C or q quits)`), effects: [] };
  switch (d.kind) {
    case 'help': {
      if (k.name === 'escape' || plain(k) === '?' || plain(k) === 'q') return { ui: close(ui), effects: [] };
      const by = scrollBy(k);
      if (by === undefined) return none;
      const max = Math.max(0, ctx.dialogScrollMax ?? 0);
      const offset = by === 'top' ? 0 : by === 'bottom' ? max : Math.min(max, Math.max(0, d.offset + by));
      return offset === d.offset ? none : { ui: { ...ui, dialog: { kind: 'help', offset } }, effects: [] };
    }
    case 'filter': {
      // Filters as you type; Enter keeps it, Esc clears it.
      if (k.name === 'escape') return { ui: { ...close(ui), filter: '' }, effects: [] };
      if (k.name === 'return') return { ui: close(ui), effects: [] };
      const text = edit(d.text, k, 60);
      return text === undefined ? none : { ui: { ...ui, filter: text, dialog: { kind: 'filter', text } }, effects: [] };
    }
    case 'command': {
      if (k.name === 'escape') return { ui: close(ui), effects: [] };
      if (k.name === 'tab') return { ui: { ...ui, dialog: { kind: 'command', text: complete(d.text, ctx) } }, effects: [] };
      if (k.name === 'return') return runCommand(close(ui), d.text.trim(), ctx);
      const text = edit(d.text, k, 60);
      return text === undefined ? none : { ui: { ...ui, dialog: { kind: 'command', text } }, effects: [] };
    }
    case 'confirmApprove':
    case 'confirmAbort':
    case 'confirmPromote': {
      if (k.name === 'escape') return { ui: say(close(ui), 'cancelled: nothing was done'), effects: [] };
      if (k.name === 'left' || k.name === 'right' || k.name === 'tab' || k.name === 'backtab') {
        const choice = d.choice === 'cancel' ? YES[d.kind] : 'cancel';
        return { ui: { ...ui, dialog: { ...d, choice } as Dialog }, effects: [] };
      }
      const by = scrollBy(k);
      if (by !== undefined) {
        // A body taller than the screen scrolls; it never moves what the dialog decides about.
        const max = Math.max(0, ctx.dialogScrollMax ?? 0);
        const offset = by === 'top' ? 0 : by === 'bottom' ? max : Math.min(max, Math.max(0, (d.offset ?? 0) + by));
        return offset === (d.offset ?? 0) ? none : { ui: { ...ui, dialog: { ...d, offset } }, effects: [] };
      }
      if (k.name !== 'return') return none;
      if (d.choice === 'cancel') return { ui: say(close(ui), 'cancelled: nothing was done'), effects: [] };
      if (!d.armed) return { ui: say(ui, 'not yet: press Enter again to confirm (keys typed or pasted together with the one that opened this dialog are not a decision)', true), effects: [] };
      // An abort still means abort while the canary runs on to a later stage: only a change of state refuses it.
      const changed = d.kind === 'confirmAbort' ? stillRunning(d.id, d.seen, ctx) : unchanged(d.id, d.seen, ctx);
      if (changed) return { ui: say(close(ui), changed, true), effects: [] };
      return d.kind === 'confirmAbort'
        ? { ui: close(ui), effects: [{ kind: 'decide', action: 'abort', id: d.id, reason: 'aborted from the console' }] }
        : { ui: close(ui), effects: [{ kind: 'decide', action: YES[d.kind], id: d.id }] };
    }
    case 'rejectReason':
    case 'resolveReason': {
      if (k.name === 'escape') return { ui: say(close(ui), 'cancelled: nothing was done'), effects: [] };
      if (k.name === 'return') {
        const reason = d.text.trim();
        if (!reason) return { ui: say(ui, d.kind === 'rejectReason' ? 'a rejection needs a reason' : 'say what was done to restore the previous version', true), effects: [] };
        const changed = unchanged(d.id, d.seen, ctx);
        if (changed) return { ui: say(close(ui), changed, true), effects: [] };
        return { ui: close(ui), effects: [{ kind: 'decide', action: d.kind === 'rejectReason' ? 'reject' : 'resolve', id: d.id, reason }] };
      }
      const text = edit(d.text, k, 200);
      return text === undefined ? none : { ui: { ...ui, dialog: { ...d, text } }, effects: [] };
    }
  }
}

export const COMMANDS = ['awaiting', 'canary', 'failed', 'service ', 'audit', 'all', 'help', 'quit'] as const;

/** Tab in command mode: the one command (or service name) the text starts, completed. */
export function complete(text: string, ctx: Pick<UiContext, 'rows'>): string {
  const service = /^service\s+(.*)$/.exec(text);
  if (service) {
    const prefix = service[1] ?? '';
    const names = [...new Set(ctx.rows.map((d) => d.request.serviceId))].filter((n) => n.startsWith(prefix)).sort();
    return names.length === 1 ? `service ${names[0]}` : text;
  }
  const matches = COMMANDS.filter((c) => c.startsWith(text));
  return matches.length === 1 ? (matches[0] ?? text) : text;
}

function runCommand(ui: UiState, text: string, ctx: UiContext): Step {
  const [name = '', ...rest] = text.split(/\s+/);
  const arg = rest.join(' ');
  const filter = (f: string, what: string): Step => ({ ui: say({ ...ui, filter: f }, what), effects: [] });
  switch (name) {
    case '':
      return { ui, effects: [] };
    case 'awaiting':
      return filter('awaiting', 'showing deployments awaiting approval (Esc shows all)');
    case 'canary':
      return filter('canary', 'showing canaries (Esc shows all)');
    case 'failed':
      return filter('failed', 'showing failed and rolled-back deployments (Esc shows all)');
    case 'service':
      return arg ? filter(arg, `showing service ${arg} (Esc shows all)`) : { ui: say(ui, ':service needs a name', true), effects: [] };
    case 'all':
      return filter('', 'showing all deployments');
    case 'audit':
      return ctx.panes.includes('audit')
        ? { ui: { ...ui, detail: false, pane: 'audit' }, effects: [] }
        : { ui: say(ui, 'the audit pane needs a wider terminal (at least 110x30); `genops-tui audit tail` shows it', true), effects: [] };
    case 'help':
      return { ui: { ...ui, dialog: { kind: 'help', offset: 0 } }, effects: [] };
    case 'q':
    case 'quit':
      return { ui, effects: [{ kind: 'quit' }] };
    default:
      return { ui: say(ui, `unknown command :${name} (${COMMANDS.map((c) => c.trim()).join(', ')})`, true), effects: [] };
  }
}
