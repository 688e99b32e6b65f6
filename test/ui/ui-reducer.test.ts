// The UI reducer without a terminal: the selection is pinned to an id whatever arrives, sorts or filters;
// a decision acts only on what its dialog showed; Ctrl and Alt combinations are not letters.
import { actionsFor } from '../helpers/view-actions.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeploymentView } from '../../source/engine/deployment-view.js';
import type { KeyPress } from '../../source/ui/input.js';
import { keysOf } from '../../source/ui/input.js';
import { visibleDeployments } from '../../source/ui/deployment-list.js';
import { armDialog, complete, pin, reduceKey } from '../../source/ui/ui-reducer.js';
import type { Effect, UiContext, UiState } from '../../source/ui/ui-state.js';
import { INITIAL_UI } from '../../source/ui/ui-state.js';
import type { Key } from 'ink';

type State = DeploymentView['state'];
const LEVELS = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

function view(id: string, at: number, state: State, level: (typeof LEVELS)[number], service = 'svc-a'): DeploymentView {
  // Only the fields the reducer, sorts and filters read.
  return {
    id,
    request: { id, serviceId: service, version: '1.0.0', requestedBy: 'ci', requestedAt: new Date(at).toISOString(), change: {} },
    tier: 'medium',
    assessment: { level, score: LEVELS.indexOf(level) / 4 + 0.1 },
    state,
    plan: [1, 5, 100],
    stage: 0,
    samples: [],
    stages: [],
    reason: '',
    decidedBy: null,
    outcome: null,
    requestedAtMs: at,
    updatedAtMs: at,
    finishedAtMs: null,
    actions: actionsFor(state as DeploymentView['state'], id),
  } as unknown as DeploymentView;
}

const text = (ch: string): KeyPress => ({ name: 'text', text: ch, ctrl: false, meta: false });
const named = (name: KeyPress['name']): KeyPress => ({ name, text: '', ctrl: false, meta: false });
const ctrl = (ch: string): KeyPress => ({ name: 'text', text: ch, ctrl: true, meta: false });
const alt = (ch: string): KeyPress => ({ name: 'text', text: ch, ctrl: false, meta: true });

class World {
  readonly ds = new Map<string, DeploymentView>();
  ui: UiState = INITIAL_UI;
  readonly effects: Effect[] = [];
  constructor(readonly operator = 'olga') {}
  ctx(): UiContext {
    const rows = visibleDeployments([...this.ds.values()], this.ui.filter, this.ui.sort);
    return { rows, get: (id) => this.ds.get(id), operator: this.operator, readonly: false, replay: true, replayPaused: true, panes: ['deployments', 'canary'], auditIds: [] };
  }
  /** A key read on its own, then what the App does after each read and render: arm a dialog, pin a selection. */
  key(k: KeyPress): Effect[] {
    const effects = this.press(k);
    this.ui = armDialog(this.ui);
    return effects;
  }
  private press(k: KeyPress): Effect[] {
    const step = reduceKey(this.ui, k, this.ctx());
    this.ui = pin(step.ui, this.ctx());
    this.effects.push(...step.effects);
    return step.effects;
  }
  keys(...ks: KeyPress[]): void {
    for (const k of ks) this.key(k);
  }
  /** Keys that arrive in one read (typed in a burst, or pasted). */
  read(...ks: KeyPress[]): Effect[] {
    const effects = ks.flatMap((k) => this.press(k));
    this.ui = armDialog(this.ui);
    return effects;
  }
  add(d: DeploymentView): void {
    this.ds.set(d.id, d);
    this.ui = pin(this.ui, this.ctx());
  }
}

type Op =
  | { kind: 'arrive'; at: number; state: State; level: (typeof LEVELS)[number]; service: string }
  | { kind: 'change'; pick: number; state: State }
  | { kind: 'key'; key: KeyPress };

const STATES: State[] = ['awaiting_approval', 'canary', 'paused', 'promoted', 'rolled_back'];
const NAV = new Set(['j', 'k', 'g', 'G']);
const arbKey: fc.Arbitrary<KeyPress> = fc.oneof(
  fc.constantFrom(...'jkgGsaArPp/xq?'.split('').filter((c) => c !== 'q')).map(text),
  fc.constantFrom('svc-a', 'awaiting', 'canary', 'zzz').map((s) => text(s[0] ?? 's')),
  fc.constantFrom<KeyPress['name']>('return', 'escape', 'right', 'tab', 'backspace', 'down', 'up').map(named),
  fc.constantFrom('a', 'r', 'A', 'p', 'c').map(ctrl),
  fc.constantFrom('a', 'r', 'A', 'P').map(alt),
);
const arbOp: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('arrive' as const), at: fc.integer({ min: 0, max: 1_000_000 }), state: fc.constantFrom(...STATES), level: fc.constantFrom(...LEVELS), service: fc.constantFrom('svc-a', 'svc-b', 'svc-c') }),
  fc.record({ kind: fc.constant('change' as const), pick: fc.nat(), state: fc.constantFrom(...STATES) }),
  fc.record({ kind: fc.constant('key' as const), key: arbKey }),
  fc.record({ kind: fc.constant('key' as const), key: arbKey }),
);

describe('pinned selection', () => {
  it('random interleavings of arrivals, state changes, sorts, filters and keys never change the id an action applies to', () => {
    fc.assert(
      fc.property(fc.array(arbOp, { maxLength: 120 }), (ops) => {
        const w = new World();
        let n = 0;
        for (const op of ops) {
          const before = w.ui;
          if (op.kind === 'arrive') {
            w.add(view(`dep-${String(n++).padStart(4, '0')}`, op.at, op.state, op.level, op.service));
            if (before.selectedId !== undefined) expect(w.ui.selectedId).toBe(before.selectedId);
            continue;
          }
          if (op.kind === 'change') {
            const ids = [...w.ds.keys()];
            const id = ids[op.pick % Math.max(1, ids.length)];
            const d = id === undefined ? undefined : w.ds.get(id);
            if (d) w.ds.set(d.id, { ...d, state: op.state, updatedAtMs: d.updatedAtMs + 1 });
            expect(w.ui.selectedId).toBe(before.selectedId);
            continue;
          }
          const k = op.key;
          const visible = w.ctx().rows.some((d) => d.id === before.selectedId);
          const effects = w.key(k);
          const isNav = before.dialog.kind === 'none' && ((k.name === 'text' && !k.ctrl && !k.meta && NAV.has(k.text)) || k.name === 'down' || k.name === 'up');
          // Only the operator's own movement moves the selection (or the first pin, from nothing).
          if (!isNav && before.selectedId !== undefined) expect(w.ui.selectedId).toBe(before.selectedId);
          // Ctrl and Alt combinations decide nothing and open nothing.
          if (k.ctrl || k.meta) {
            expect(effects.filter((e) => e.kind === 'decide')).toEqual([]);
            expect(w.ui.dialog.kind === before.dialog.kind || before.dialog.kind !== 'none').toBe(true);
          }
          // A dialog opens on the selection, and only when it is drawn.
          if (before.dialog.kind === 'none' && w.ui.dialog.kind !== 'none' && 'id' in w.ui.dialog) {
            expect(w.ui.dialog.id).toBe(before.selectedId);
            expect(visible).toBe(true);
          }
          for (const e of effects) {
            if (e.kind !== 'decide') continue;
            const target = w.ds.get(e.id);
            if ('id' in before.dialog) {
              // Confirmed in a dialog: the dialog's deployment, unchanged since it opened.
              expect(e.id).toBe(before.dialog.id);
              expect(target?.state).toBe(before.dialog.seen.state);
            } else {
              expect(e.id).toBe(before.selectedId);
              expect(visible).toBe(true);
            }
            if (e.action === 'approve' || e.action === 'reject') expect(target?.state).toBe('awaiting_approval');
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a new arrival at the top does not take the selection, and a approves only what was reviewed', () => {
    const w = new World();
    w.add(view('old', 1, 'awaiting_approval', 'LOW'));
    expect(w.ui.selectedId).toBe('old');
    w.add(view('new', 2, 'awaiting_approval', 'LOW'));
    expect(w.ctx().rows[0]?.id).toBe('new');
    w.keys(text('a'));
    expect(w.ui.dialog).toMatchObject({ kind: 'confirmApprove', id: 'old' });
    w.keys(named('return'));
    expect(w.effects).toEqual([{ kind: 'decide', action: 'approve', id: 'old' }]);
  });

  it('a filter that hides the selection refuses decisions instead of moving to another row', () => {
    const w = new World();
    w.add(view('a1', 1, 'awaiting_approval', 'LOW', 'svc-a'));
    w.add(view('b1', 2, 'awaiting_approval', 'LOW', 'svc-b'));
    w.keys(text('g'), text('j')); // a1
    expect(w.ui.selectedId).toBe('a1');
    w.keys(text('/'), ...'svc-b'.split('').map(text), named('return'));
    expect(w.ui.selectedId).toBe('a1');
    w.keys(text('a'));
    expect(w.ui.dialog.kind).toBe('none');
    expect(w.ui.message).toEqual({ text: 'a1 is hidden by the filter: j/k selects a row shown, Esc clears the filter', error: true });
    w.keys(text('j'), text('a'));
    expect(w.ui.dialog).toMatchObject({ kind: 'confirmApprove', id: 'b1' });
  });
});

describe('every decision confirms what it acts on', () => {
  it('a LOW approval asks too, with Approve preselected; HIGH and CRITICAL preselect Cancel', () => {
    const w = new World();
    w.add(view('low', 1, 'awaiting_approval', 'LOW'));
    expect(w.key(text('a'))).toEqual([]);
    expect(w.ui.dialog).toMatchObject({ kind: 'confirmApprove', id: 'low', choice: 'approve' });
    w.keys(named('escape'));
    w.add(view('crit', 2, 'awaiting_approval', 'CRITICAL'));
    w.keys(text('k'), text('a'));
    expect(w.ui.dialog).toMatchObject({ kind: 'confirmApprove', id: 'crit', choice: 'cancel' });
    expect(w.key(named('return'))).toEqual([]);
    expect(w.ui.message?.text).toBe('cancelled: nothing was done');
  });

  it('a deployment decided while the dialog was open is refused with a message naming who decided it', () => {
    const w = new World();
    w.add(view('d1', 1, 'awaiting_approval', 'LOW'));
    w.keys(text('a'));
    w.ds.set('d1', { ...(w.ds.get('d1') as DeploymentView), state: 'canary', decidedBy: 'replay-bob' });
    expect(w.key(named('return'))).toEqual([]);
    expect(w.ui.message).toEqual({ text: 'nothing was done: d1 changed while the dialog was open (was awaiting approval, now canary at stage 1 by replay-bob)', error: true });
  });

  it('"a" and Enter in one read (a burst, a paste) do not approve: the dialog is shown first, the next Enter decides', () => {
    const w = new World();
    w.add(view('d1', 1, 'awaiting_approval', 'LOW'));
    expect(w.read(text('a'), named('return'))).toEqual([]);
    expect(w.ui.dialog).toMatchObject({ kind: 'confirmApprove', id: 'd1', armed: true });
    expect(w.ui.message?.text).toMatch(/^not yet: press Enter again/);
    expect(w.key(named('return'))).toEqual([{ kind: 'decide', action: 'approve', id: 'd1' }]);
  });

  it('a rejection whose deployment moved on is refused; an abort still aborts a canary that moved to a later stage', () => {
    const w = new World();
    w.add(view('d1', 1, 'awaiting_approval', 'LOW'));
    w.keys(text('r'), ...'no'.split('').map(text));
    w.ds.set('d1', { ...(w.ds.get('d1') as DeploymentView), state: 'rejected', outcome: 'rejected' });
    expect(w.key(named('return'))).toEqual([]);
    expect(w.ui.message?.text).toMatch(/^nothing was done: d1 changed while the dialog was open \(was awaiting approval, now rejected/);
    w.add(view('c1', 2, 'canary', 'LOW'));
    w.keys(text('k'), text('A'), named('right'));
    w.ds.set('c1', { ...(w.ds.get('c1') as DeploymentView), stage: 1 });
    expect(w.key(named('return'))).toEqual([{ kind: 'decide', action: 'abort', id: 'c1', reason: 'aborted from the console' }]);
    w.keys(text('A'), named('right'));
    w.ds.set('c1', { ...(w.ds.get('c1') as DeploymentView), state: 'promoted', outcome: 'succeeded' });
    expect(w.key(named('return'))).toEqual([]);
    expect(w.ui.message?.text).toMatch(/was canary at stage 2, now promoted/);
  });

  it('P asks first with Cancel preselected; a promotion whose canary moved to another stage or paused is refused', () => {
    const w = new World();
    w.add(view('c1', 1, 'canary', 'LOW'));
    expect(w.key(text('P'))).toEqual([]);
    expect(w.ui.dialog).toMatchObject({ kind: 'confirmPromote', id: 'c1', choice: 'cancel' });
    expect(w.key(named('return'))).toEqual([]);
    expect(w.ui.message?.text).toBe('cancelled: nothing was done');
    w.keys(text('P'), named('right'));
    w.ds.set('c1', { ...(w.ds.get('c1') as DeploymentView), stage: 2 });
    expect(w.key(named('return'))).toEqual([]);
    expect(w.ui.message?.text).toBe('nothing was done: c1 changed while the dialog was open (was canary at stage 1, now canary at stage 3)');
    w.keys(text('P'), named('right'));
    w.ds.set('c1', { ...(w.ds.get('c1') as DeploymentView), state: 'paused' });
    expect(w.key(named('return'))).toEqual([]);
    expect(w.ui.message?.text).toMatch(/^nothing was done: c1 changed while the dialog was open \(was canary at stage 3, now paused/);
    // "P" and Enter in one read do not promote; the next Enter, on Promote, does.
    w.ds.set('c1', { ...(w.ds.get('c1') as DeploymentView), state: 'canary' });
    expect(w.read(text('P'), named('right'), named('return'))).toEqual([]);
    expect(w.key(named('return'))).toEqual([{ kind: 'decide', action: 'promote', id: 'c1' }]);
  });

  it('Ctrl-C closes any dialog without deciding, says so, and quits only with none open', () => {
    const w = new World();
    w.add(view('d1', 1, 'awaiting_approval', 'LOW'));
    for (const open of [[text('a')], [text('r'), text('x')], [text('/'), text('s')], [text(':')], [text('?')]]) {
      w.keys(...open);
      expect(w.ui.dialog.kind).not.toBe('none');
      expect(w.key(ctrl('c'))).toEqual([]);
      expect(w.ui.dialog.kind).toBe('none');
      expect(w.ui.filter).toBe('');
      expect(w.ui.message?.text).toMatch(/\(Ctrl-C: a second Ctrl-C or q quits\)$/);
    }
    expect(w.key(ctrl('c'))).toEqual([{ kind: 'quit' }]);
  });

  it('Enter on an audit line opens its deployment saying so; Esc gives back the selection it had, even after lines opened in a row', () => {
    const w = new World();
    for (const id of ['a1', 'b1', 'c1']) w.add(view(id, id.charCodeAt(0), 'awaiting_approval', 'LOW'));
    const ctx = (auditIds: string[]): UiContext => ({ ...w.ctx(), panes: ['deployments', 'canary', 'risk', 'similar', 'audit'], auditIds });
    const run = (k: KeyPress, auditIds: string[] = []): void => {
      w.ui = reduceKey(w.ui, k, ctx(auditIds)).ui;
    };
    expect(w.ui.selectedId).toBe('a1');
    w.ui = { ...w.ui, pane: 'audit' };
    run(named('return'), ['c1', 'b1']); // the newest line: b1
    expect(w.ui).toMatchObject({ selectedId: 'b1', detail: true, returnTo: { id: 'a1', pane: 'audit' } });
    expect(w.ui.message?.text).toBe('showing b1 from the audit line: keys here act on b1; Esc goes back to a1');
    run(named('escape'));
    expect(w.ui).toMatchObject({ selectedId: 'a1', detail: false, pane: 'audit', returnTo: undefined });
    expect(w.ui.message?.text).toBe('back: the selection is a1 again');
    // Left by :audit instead of Esc: the next line opened goes back to the selection then, not to a1.
    run(named('return'), ['b1']);
    run(text(':'));
    for (const ch of 'audit') run(text(ch));
    run(named('return'));
    expect(w.ui).toMatchObject({ selectedId: 'b1', detail: false, pane: 'audit' });
    run(named('return'), ['c1']);
    expect(w.ui.returnTo?.id).toBe('b1');
    run(named('escape'));
    expect(w.ui.selectedId).toBe('b1');
  });

  it('read-only: the reason comes from the binding, and nothing opens', () => {
    const w = new World();
    w.add(view('d1', 1, 'awaiting_approval', 'LOW'));
    const ctx = { ...w.ctx(), readonly: true };
    const step = reduceKey(w.ui, text('a'), ctx);
    expect(step.ui.dialog.kind).toBe('none');
    expect(step.ui.message).toEqual({ text: 'read-only console: nothing can be decided here', error: true });
  });
});

describe('keys', () => {
  const key = (k: Partial<Key>): Key => ({ upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false, ...k }) as Key;

  it('two keys in one read are two keys', () => {
    expect(keysOf('jj', key({})).map((k) => k.text)).toEqual(['j', 'j']);
    expect(keysOf('a\r', key({})).map((k) => k.name)).toEqual(['text', 'return']);
    expect(keysOf('k\u0001', key({}))).toEqual([text('k'), ctrl('a')]);
  });

  it('Ctrl-A, Ctrl-R and Alt-A are not a, r and A', () => {
    const w = new World();
    w.add(view('d1', 1, 'awaiting_approval', 'LOW'));
    for (const [input, k] of [['a', key({ ctrl: true })], ['r', key({ ctrl: true })], ['a', key({ meta: true })], ['A', key({ meta: true, shift: true })]] as const) {
      for (const press of keysOf(input, k)) expect(w.key(press)).toEqual([]);
      expect(w.ui.dialog.kind).toBe('none');
    }
  });
});

describe('a failed rollback', () => {
  it('R asks what was done and resolves only a failed rollback; an empty answer is refused', () => {
    const w = new World();
    w.add(view('ok', 1, 'canary', 'LOW'));
    w.keys(text('R'));
    expect(w.ui.message?.text).toBe('deployment "ok" is canary: cannot resolve a rollback'); // the engine's own refusal (view.actions)
    w.add(view('rb', 2, 'rollback_failed' as DeploymentView['state'], 'HIGH'));
    w.keys(text('k'), text('R'));
    expect(w.ui.dialog).toMatchObject({ kind: 'resolveReason', id: 'rb' });
    expect(w.key(named('return'))).toEqual([]);
    expect(w.ui.message?.text).toBe('say what was done to restore the previous version');
    w.keys(...'restored 1.4.2 by hand'.split('').map(text));
    expect(w.key(named('return'))).toEqual([{ kind: 'decide', action: 'resolve', id: 'rb', reason: 'restored 1.4.2 by hand' }]);
  });
});

describe('paging', () => {
  it('PgDn and PgUp move ten rows, stopping at the ends', () => {
    const w = new World();
    for (let i = 0; i < 25; i++) w.add(view(`d${String(i).padStart(2, '0')}`, i, 'promoted', 'LOW'));
    w.keys(text('g'), named('pagedown'));
    expect(w.ui.selectedId).toBe('d14');
    w.keys(named('pagedown'), named('pagedown'));
    expect(w.ui.selectedId).toBe('d00');
    w.keys(named('pageup'));
    expect(w.ui.selectedId).toBe('d10');
  });
});

describe('command mode', () => {
  it(':awa Tab completes, Enter filters; :service completes a name', () => {
    const w = new World();
    w.add(view('d1', 1, 'awaiting_approval', 'LOW', 'payments'));
    w.add(view('d2', 2, 'canary', 'LOW', 'ledger'));
    expect(complete('awa', w.ctx())).toBe('awaiting');
    expect(complete('service pay', w.ctx())).toBe('service payments');
    w.keys(text(':'), ...'awa'.split('').map(text), named('tab'), named('return'));
    expect(w.ui.filter).toBe('awaiting');
    expect(w.ctx().rows.map((d) => d.id)).toEqual(['d1']);
    w.keys(text(':'), ...'nope'.split('').map(text), named('return'));
    expect(w.ui.message?.error).toBe(true);
    expect(w.key(text(':'))).toEqual([]);
    w.keys(...'quit'.split('').map(text));
    expect(w.key(named('return'))).toEqual([{ kind: 'quit' }]);
  });
});
