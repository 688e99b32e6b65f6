// The operator console: panes over the engine's state, one key table for input, hints and help.
import { Box, Text, useApp, useInput, useStdin, useStdout } from 'ink';
import type { Key } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ActionRefused } from '../engine/engine.js';
import { sanitize } from '../domain/sanitize.js';
import type { DeploymentView } from '../engine/deployment-view.js';
import type { ConsoleModel } from './console-model.js';
import { commandFor, hints } from './keymap.js';
import type { CommandId } from './keymap.js';
import { visibleDeployments } from './deployment-list.js';
import { INITIAL_UI, PANES, SORTS } from './ui-state.js';
import type { UiState } from './ui-state.js';
import type { Theme } from './theme.js';
import { useModelVersion, useTerminalSize } from './use-model-version.js';
import { DeploymentsPane } from './panes/deployments-pane.js';
import { RiskPane } from './panes/risk-pane.js';
import { CanaryPane } from './panes/canary-pane.js';
import { SimilarPane } from './panes/similar-pane.js';
import { AuditPane } from './panes/audit-pane.js';
import { StatusBar } from './status-bar.js';
import { DialogView } from './dialogs.js';

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 16;

/** Rows a dialog takes, border included. */
export function dialogHeight(kind: UiState['dialog']['kind']): number {
  return kind === 'filter' ? 4 : 6;
}

export interface AppProps {
  model: ConsoleModel;
  operator: string;
  readonly: boolean;
  theme: Theme;
  autonomy: string;
  slo: { errorRate: number; p99Ms: number };
  /** Advance replay time on a timer (off in snapshot tests, which step by key). */
  autoplay: boolean;
  frameMs?: number;
  /** Fixed terminal size (tests); otherwise the terminal's, following resizes. */
  size?: { columns: number; rows: number };
}

export function App(props: AppProps) {
  const { model, theme } = props;
  const { exit } = useApp();
  const { stdout } = useStdout();
  const { isRawModeSupported } = useStdin();
  const terminal = useTerminalSize(stdout);
  const size = props.size ?? terminal;
  const version = useModelVersion(model, props.frameMs ?? 50);
  const [ui, setUiState] = useState<UiState>(INITIAL_UI);
  // Keys can arrive faster than renders: handlers read and write this ref, so each key sees the last one.
  const uiRef = useRef<UiState>(ui);
  const setUi = (fn: (u: UiState) => UiState): void => {
    uiRef.current = fn(uiRef.current);
    setUiState(uiRef.current);
  };

  useEffect(() => {
    if (!props.autoplay || !model.source) return;
    const step = 100;
    model.advance(0); // whatever is due now shows in the first frames, not after the first tick
    const timer = setInterval(() => model.advance(step), step);
    return () => clearInterval(timer);
  }, [model, props.autoplay]);

  const all = model.engine.deployments;
  // Re-sorting 10,000 rows on every engine event costs milliseconds: only a new deployment changes the age
  // order, while state order and state filters also follow each event.
  const volatile = ui.sort === 'state' || ui.sort === 'risk' || ui.filter !== '';
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const rows = useMemo(() => visibleDeployments(all, ui.filter, ui.sort), [volatile ? version : 0, ui.filter, ui.sort, all.length]);
  const selected: DeploymentView | undefined = rows.find((d) => d.id === ui.selectedId) ?? rows[0];
  /** The selection as the latest key left it (a render may not have happened since). */
  const current = (): DeploymentView | undefined => rows.find((d) => d.id === uiRef.current.selectedId) ?? rows[0];

  const say = (text: string, error = false): void => setUi((u) => ({ ...u, message: { text, error } }));
  const refused = (error: unknown): void => {
    if (error instanceof ActionRefused) say(error.message, true);
    else throw error;
  };
  /** An attached console's decisions go through the engine's queue and come back later. */
  const attempt = (what: () => unknown, done: string): void => {
    try {
      const answer = what();
      if (answer instanceof Promise) {
        say('sent to the engine; waiting for its answer…');
        answer.then(() => say(done), (error: unknown) => (error instanceof ActionRefused ? say(error.message, true) : say(`error: ${error instanceof Error ? error.message : String(error)}`, true)));
      } else say(done);
    } catch (error) {
      refused(error);
    }
  };

  const move = (delta: number | 'top' | 'bottom'): void => {
    if (rows.length === 0) return;
    const i = Math.max(0, rows.findIndex((d) => d.id === current()?.id));
    const next = delta === 'top' ? 0 : delta === 'bottom' ? rows.length - 1 : Math.min(rows.length - 1, Math.max(0, i + delta));
    setUi((u) => ({ ...u, selectedId: rows[next]?.id, message: undefined }));
  };

  const run = (id: CommandId): void => {
    const d = current();
    const decides = ['approve', 'reject', 'promote', 'abort'].includes(id) || (id === 'pause' && (d?.state === 'canary' || d?.state === 'paused'));
    if (decides && props.readonly) return say('read-only console: nothing can be decided here', true);
    switch (id) {
      case 'down': return move(1);
      case 'up': return move(-1);
      case 'top': return move('top');
      case 'bottom': return move('bottom');
      case 'detail': return setUi((u) => ({ ...u, detail: true, selectedId: d?.id }));
      case 'back': return setUi((u) => (u.detail ? { ...u, detail: false } : u.filter ? { ...u, filter: '' } : { ...u, message: undefined }));
      case 'filter': return setUi((u) => ({ ...u, dialog: { kind: 'filter', text: u.filter } }));
      case 'nextPane': return setUi((u) => ({ ...u, pane: PANES[(PANES.indexOf(u.pane) + 1) % PANES.length] ?? 'deployments' }));
      case 'sort': return setUi((u) => ({ ...u, sort: SORTS[(SORTS.indexOf(u.sort) + 1) % SORTS.length] ?? 'age' }));
      case 'help': return setUi((u) => ({ ...u, dialog: { kind: 'help' } }));
      case 'quit': return exit();
      case 'step': return model.step();
      case 'faster': return model.faster();
      case 'slower': return model.slower();
      case 'approve':
        if (!d || d.state !== 'awaiting_approval') return say('select a deployment that awaits approval', true);
        if (d.request.requestedBy === props.operator) return say(`${props.operator} requested ${d.id} and cannot approve it`, true);
        if (d.assessment.level === 'HIGH' || d.assessment.level === 'CRITICAL') return setUi((u) => ({ ...u, dialog: { kind: 'confirmApprove', id: d.id, choice: 'cancel' } }));
        return attempt(() => model.engine.approve(d.id, props.operator), `approved ${d.id} as ${props.operator}`);
      case 'reject':
        if (!d || d.state !== 'awaiting_approval') return say('select a deployment that awaits approval', true);
        return setUi((u) => ({ ...u, dialog: { kind: 'rejectReason', id: d.id, text: '' } }));
      case 'pause':
        if (d?.state === 'canary') return attempt(() => model.engine.pause(d.id, props.operator), `paused ${d.id}`);
        if (d?.state === 'paused') return attempt(() => model.engine.resume(d.id, props.operator), `resumed ${d.id}`);
        return model.togglePaused();
      case 'promote':
        if (!d || (d.state !== 'canary' && d.state !== 'paused')) return say('select a deployment in canary', true);
        return attempt(() => model.engine.promote(d.id, props.operator), `promoted ${d.id} to its next stage`);
      case 'abort':
        if (!d || (d.state !== 'canary' && d.state !== 'paused')) return say('select a deployment in canary', true);
        return setUi((u) => ({ ...u, dialog: { kind: 'confirmAbort', id: d.id, choice: 'cancel' } }));
    }
  };

  const onDialogKey = (input: string, key: Key): void => {
    const dlg = uiRef.current.dialog;
    const close = (): void => setUi((u) => ({ ...u, dialog: { kind: 'none' } }));
    switch (dlg.kind) {
      case 'help':
        if (key.escape || input === '?' || input === 'q') close();
        return;
      case 'filter':
        if (key.escape) return setUi((u) => ({ ...u, filter: '', dialog: { kind: 'none' } }));
        if (key.return) return setUi((u) => ({ ...u, filter: dlg.text, dialog: { kind: 'none' }, selectedId: undefined }));
        // Keys can arrive faster than renders: edit the text the state holds now, not this render's copy.
        if (key.backspace || key.delete) return setUi((u) => (u.dialog.kind === 'filter' ? { ...u, dialog: { kind: 'filter', text: u.dialog.text.slice(0, -1) } } : u));
        if (input && !key.ctrl && !key.meta) setUi((u) => (u.dialog.kind === 'filter' ? { ...u, dialog: { kind: 'filter', text: (u.dialog.text + input).slice(0, 60) } } : u));
        return;
      case 'rejectReason':
        if (key.escape) return close();
        if (key.return) {
          if (!dlg.text.trim()) return say('a rejection needs a reason', true);
          close();
          return attempt(() => model.engine.reject(dlg.id, props.operator, dlg.text.trim()), `rejected ${dlg.id}`);
        }
        if (key.backspace || key.delete) return setUi((u) => (u.dialog.kind === 'rejectReason' ? { ...u, dialog: { ...u.dialog, text: u.dialog.text.slice(0, -1) } } : u));
        if (input && !key.ctrl && !key.meta) setUi((u) => (u.dialog.kind === 'rejectReason' ? { ...u, dialog: { ...u.dialog, text: (u.dialog.text + input).slice(0, 200) } } : u));
        return;
      case 'confirmApprove':
      case 'confirmAbort': {
        if (key.escape) return close();
        if (key.leftArrow || key.rightArrow || key.tab) {
          const next = dlg.choice === 'cancel' ? (dlg.kind === 'confirmApprove' ? 'approve' : 'abort') : 'cancel';
          return setUi((u) => ({ ...u, dialog: { ...dlg, choice: next } as UiState['dialog'] }));
        }
        if (key.return) {
          close();
          if (dlg.choice === 'cancel') return say('cancelled');
          if (dlg.kind === 'confirmApprove') return attempt(() => model.engine.approve(dlg.id, props.operator), `approved ${dlg.id} as ${props.operator}`);
          return attempt(() => model.engine.abort(dlg.id, props.operator, 'aborted from the console'), `aborted ${dlg.id}`);
        }
        return;
      }
      case 'none':
        return;
    }
  };

  useInput(
    (input, key) => {
      if (uiRef.current.dialog.kind !== 'none') return onDialogKey(input, key);
      const binding = commandFor(input, key);
      if (binding) run(binding.id);
    },
    { isActive: isRawModeSupported },
  );

  if (size.columns < MIN_COLUMNS || size.rows < MIN_ROWS) {
    return (
      <Text>
        Terminal too small ({size.columns}×{size.rows}); genops-tui needs at least {MIN_COLUMNS}×{MIN_ROWS}. Enlarge the window or press q.
      </Text>
    );
  }

  const keyHints = hints({ selected, readonly: props.readonly, replay: model.mode === 'replay', replayPaused: model.paused, detail: ui.detail });
  const progress = model.source ? `${model.source.replay.submitted}/${model.source.replay.total} requests` : model.attachedTo ? `attached to ${sanitize(model.attachedTo, 40)}` : '';
  const status = (
    <StatusBar
      mode={model.mode}
      speed={model.speed}
      paused={model.paused}
      autonomy={props.autonomy}
      readonly={props.readonly}
      operator={props.operator}
      now={model.now}
      deployments={all}
      filter={ui.filter}
      progress={progress}
      quarantined={model.quarantined}
      message={ui.message}
      hints={keyHints}
      theme={theme}
    />
  );
  const dialog = ui.dialog.kind === 'none' ? null : <DialogView dialog={ui.dialog} theme={theme} width={size.columns} readonly={props.readonly} subject={selected ? `(${selected.assessment.level} ${selected.assessment.score.toFixed(2)})` : ''} />;
  // One spare line: an Ink frame as tall as the terminal makes it clear and redraw every frame.
  const body = size.rows - 3;
  if (ui.dialog.kind === 'help') {
    return (
      <Box flexDirection="column" width={size.columns} height={size.rows - 1}>
        <Box flexGrow={1}>{dialog}</Box>
        {status}
      </Box>
    );
  }
  const dialogH = dialog ? dialogHeight(ui.dialog.kind) : 0;
  const wide = size.columns >= 110 && size.rows >= 30;
  const focus = (p: UiState['pane']): boolean => ui.pane === p;

  if (ui.detail && selected) {
    const h = Math.floor((body - dialogH) / 2);
    return (
      <Box flexDirection="column" width={size.columns} height={size.rows - 1}>
        <Box>
          <RiskPane deployment={selected} height={h} width={Math.floor(size.columns / 2)} focused={focus('risk')} theme={theme} />
          <SimilarPane deployment={selected} height={h} width={size.columns - Math.floor(size.columns / 2)} focused={focus('similar')} theme={theme} />
        </Box>
        <CanaryPane deployment={selected} height={body - h - dialogH} width={size.columns} focused={focus('canary')} theme={theme} slo={props.slo} />
        {dialog}
        {status}
      </Box>
    );
  }

  if (!wide) {
    const listH = Math.max(6, Math.floor(body * 0.45));
    const rest = body - listH - dialogH;
    return (
      <Box flexDirection="column" width={size.columns} height={size.rows - 1}>
        <DeploymentsPane rows={rows} total={all.length} selectedId={selected?.id} now={model.now} height={listH} width={size.columns} focused={focus('deployments')} sort={ui.sort} filter={ui.filter} theme={theme} />
        {rest >= 6 ? <CanaryPane deployment={selected} height={rest} width={size.columns} focused={focus('canary')} theme={theme} slo={props.slo} /> : null}
        {dialog}
        {status}
      </Box>
    );
  }

  const auditH = Math.max(5, Math.floor(body * 0.22));
  const top = body - auditH - dialogH;
  const listH = Math.floor(top * 0.55);
  const leftW = Math.floor(size.columns * 0.56);
  return (
    <Box flexDirection="column" width={size.columns} height={size.rows - 1}>
      <Box height={top}>
        <Box flexDirection="column" width={leftW} flexShrink={0}>
          <DeploymentsPane rows={rows} total={all.length} selectedId={selected?.id} now={model.now} height={listH} width={leftW} focused={focus('deployments')} sort={ui.sort} filter={ui.filter} theme={theme} />
          <CanaryPane deployment={selected} height={top - listH} width={leftW} focused={focus('canary')} theme={theme} slo={props.slo} />
        </Box>
        <Box flexDirection="column" width={size.columns - leftW} flexShrink={0}>
          <RiskPane deployment={selected} height={Math.floor(top * 0.6)} width={size.columns - leftW} focused={focus('risk')} theme={theme} />
          <SimilarPane deployment={selected} height={top - Math.floor(top * 0.6)} width={size.columns - leftW} focused={focus('similar')} theme={theme} />
        </Box>
      </Box>
      {dialog}
      <AuditPane entries={model.audit} height={auditH} width={size.columns} focused={focus('audit')} theme={theme} />
      {status}
    </Box>
  );
}
