// The operator console: a pure reducer for the UI state, one key hook, the layouts, and the effects (decisions,
// replay control, clipboard, bell) carried out here and nowhere else.
import { Box, Text, useApp, useStdin, useStdout } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import { sanitize } from '../domain/sanitize.js';
import type { DeploymentView } from '../engine/deployment-view.js';
import type { ConsoleModel } from './console-model.js';
import { sendDecision } from './send-decision.js';
import { hints } from './keymap.js';
import { visibleDeployments } from './deployment-list.js';
import { DECIDING, INITIAL_UI } from './ui-state.js';
import type { Effect, UiContext, UiState } from './ui-state.js';
import type { Theme } from './theme.js';
import { useModelVersion, useTerminalSize } from './use-model-version.js';
import { useKeys } from './use-keys.js';
import type { KeyPress } from './input.js';
import { armDialog, keyContext, pin, reduceKey } from './ui-reducer.js';
import { Body, bodyRows, MIN_COLUMNS, MIN_ROWS, panesOnScreen } from './layouts.js';
import { Confirm, confirmLines, confirmRows, confirmScrollMax, DIALOG_HINTS, dialogHeight, FULL_BODY, Help, helpLines, helpRows, LineDialog } from './dialogs.js';
import { Header, HintLine, messageLines, meters } from './status-bar.js';

export { MIN_COLUMNS, MIN_ROWS } from './layouts.js';

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
  /** Ring the terminal bell when something new needs a human (off with --no-bell). */
  bell?: boolean;
  /** Where `y` puts the id; by default the terminal's clipboard through OSC 52. */
  clipboard?: (text: string) => void;
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
  // Keys can arrive faster than renders: each key reads and writes this ref, so it sees the one before it.
  const uiRef = useRef<UiState>(ui);
  const setUi = (fn: (u: UiState) => UiState): void => {
    uiRef.current = fn(uiRef.current);
    setUiState(uiRef.current);
  };
  const say = (text: string, error = false): void => setUi((u) => ({ ...u, message: { text, error } }));

  // Replay time stops while a decision (or the help) is open: what the dialog shows is what Enter acts on.
  useEffect(() => {
    if (!props.autoplay || !model.source) return;
    const step = 100;
    model.advance(0); // whatever is due now shows in the first frames, not after the first tick
    const timer = setInterval(() => {
      if (!DECIDING.has(uiRef.current.dialog.kind)) model.advance(step);
    }, step);
    return () => clearInterval(timer);
  }, [model, props.autoplay]);

  // Live: ages, the engine's lease age and pending deadlines tick even when nothing happens.
  const [, setTick] = useState(0);
  useEffect(() => {
    if (model.source || !props.autoplay) return;
    const timer = setInterval(() => setTick((t) => t + 1), 1000);
    return () => clearInterval(timer);
  }, [model, props.autoplay]);

  useEffect(() => {
    model.onNotice = (text) => say(text);
    return () => {
      model.onNotice = undefined;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [model]);

  const all = model.engine.deployments;
  // Re-sorting 10,000 rows on every engine event costs milliseconds: only a new deployment changes the age
  // order, while state order and state filters also follow each event.
  const volatile = ui.sort === 'state' || ui.sort === 'risk' || ui.filter !== '';
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const rows = useMemo(() => visibleDeployments(all, ui.filter, ui.sort), [volatile ? version : 0, ui.filter, ui.sort, all.length]);
  const dialogRows = dialogHeight(ui.dialog.kind);
  const panes = panesOnScreen(size, ui.detail, dialogRows);
  // What keys see: the rows as last drawn, the engine as it is now.
  const contextRef = useRef<UiContext | undefined>(undefined);
  const timeline = ui.detail && ui.selectedId !== undefined ? model.engine.audit.forDeployment(ui.selectedId) : [];
  const selectedView = ui.selectedId === undefined ? undefined : model.engine.get(ui.selectedId);
  const context: UiContext = {
    rows,
    get: (id) => model.engine.get(id),
    operator: props.operator,
    readonly: props.readonly,
    replay: model.mode === 'replay',
    replayPaused: model.paused,
    panes,
    auditIds: ui.detail ? [] : model.audit.map((e) => e.deploymentId),
    timelineCount: timeline.length,
    similarIds: selectedView?.assessment.evidence.map((e) => e.deploymentId) ?? [],
  };
  contextRef.current = context;

  // Nothing selected yet: the first row drawn becomes the selection, pinned by id from then on.
  useEffect(() => {
    if (uiRef.current.selectedId === undefined && rows.length > 0) setUi((u) => pin(u, { rows }));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rows]);

  const m = useMemo(() => meters(all), [version, all]);
  const lastNeedsHuman = useRef(m.needsHuman);
  useEffect(() => {
    if (props.bell && m.needsHuman > lastNeedsHuman.current) stdout.write('\u0007');
    lastNeedsHuman.current = m.needsHuman;
  }, [m.needsHuman, props.bell, stdout]);

  const perform = (e: Effect): void => {
    switch (e.kind) {
      case 'decide':
        return sendDecision(model, props.operator, e, say);
      case 'replay':
        if (e.op === 'toggle') return model.togglePaused();
        if (e.op === 'step') return model.step();
        return e.op === 'faster' ? model.faster() : model.slower();
      case 'copy':
        if (props.clipboard) return props.clipboard(e.text);
        stdout.write(`\u001b]52;c;${Buffer.from(e.text).toString('base64')}\u0007`);
        return;
      case 'quit':
        return exit();
    }
  };

  const onKey = (k: KeyPress): void => {
    const ctx = contextRef.current;
    if (!ctx) return;
    const next = reduceKey(uiRef.current, k, ctx);
    if (next.ui !== uiRef.current) setUi(() => next.ui);
    for (const e of next.effects) perform(e);
  };
  const onReadEnd = (): void => {
    const armed = armDialog(uiRef.current);
    if (armed !== uiRef.current) setUi(() => armed);
  };
  useKeys(onKey, isRawModeSupported, onReadEnd);

  if (size.columns < MIN_COLUMNS || size.rows < MIN_ROWS) {
    return (
      <Text>
        Terminal too small ({size.columns}x{size.rows}); genops-tui needs at least {MIN_COLUMNS}x{MIN_ROWS}. Enlarge the window or press q.
      </Text>
    );
  }

  const live = model.liveness?.();
  const within = model.engine.answerWithinMs === undefined ? '' : ` within ${Math.round(model.engine.answerWithinMs / 1000)} s`;
  const warning = live && live.state !== 'alive' ? `the engine is ${live.state === 'stale' ? 'not answering' : 'gone'}: a decision not taken${within} is withdrawn, never applied later` : undefined;
  const selected: DeploymentView | undefined = ui.selectedId === undefined ? undefined : model.engine.get(ui.selectedId);
  const kc = keyContext(ui, context);
  const source = model.source;
  const finished = source !== undefined && source.replay.nextEventAt() === undefined;
  const progress = source
    ? `${finished ? 'replay finished: ' : ''}${source.replay.submitted}/${source.replay.total} requests${DECIDING.has(ui.dialog.kind) && !model.paused ? ' (held while the dialog is open)' : ''}`
    : model.attachedTo ? `attached to ${sanitize(model.attachedTo, 40)}` : '';
  const mode = model.mode === 'live' ? 'LIVE' : model.paused ? 'REPLAY paused' : `REPLAY ${theme.ascii ? 'x' : '×'}${model.speed}`;
  const header = (
    <Header
      mode={mode}
      autonomy={props.autonomy}
      readonly={props.readonly}
      operator={props.operator}
      now={model.now}
      meters={m}
      liveness={live}
      pending={model.pending}
      auditHead={model.audit.at(-1)}
      progress={progress}
      quarantined={model.quarantined}
      filter={ui.filter}
      theme={theme}
    />
  );
  const hintLine = <HintLine message={ui.message} hints={ui.dialog.kind === 'none' ? hints(kc) : DIALOG_HINTS[ui.dialog.kind]} theme={theme} width={size.columns} />;
  // A message longer than the line (a refusal, a notice) takes up to three lines, so every reason is readable.
  // Counted as the hint line draws it (an error without colour gains a "! "): a count one short overlaps lines.
  const messageRows = ui.message ? Math.min(3, messageLines(ui.message, theme, size.columns).length) : 0;
  const footer = messageRows > 1 ? messageRows : 1;
  const body = bodyRows(size, footer);
  const d = ui.dialog;
  const target = 'id' in d ? model.engine.get(d.id) : undefined;
  // How far the open confirmation scrolls, for the keys: its body as drawn now, in the rows it has now.
  if ((d.kind === 'confirmApprove' || d.kind === 'confirmAbort' || d.kind === 'confirmPromote') && target) {
    contextRef.current = { ...context, dialogScrollMax: confirmScrollMax(confirmLines(d.kind, target, size.columns, theme).length, confirmRows(body, warning !== undefined)) };
  } else if (d.kind === 'help') {
    contextRef.current = { ...context, dialogScrollMax: confirmScrollMax(helpLines(kc, theme, Math.min(size.columns, 110)).length, helpRows(body)) };
  }
  let main;
  if (FULL_BODY.has(d.kind)) {
    main =
      d.kind === 'help' ? <Help context={kc} theme={theme} width={Math.min(size.columns, 110)} height={body} offset={d.offset} />
      : (d.kind === 'confirmApprove' || d.kind === 'confirmAbort' || d.kind === 'confirmPromote') && target ? <Confirm kind={d.kind} d={target} onYes={d.choice !== 'cancel'} offset={d.offset ?? 0} theme={theme} width={size.columns} height={body} operator={props.operator} now={model.now} warning={warning} />
      : null;
  } else {
    const line = d.kind === 'filter' || d.kind === 'command' || d.kind === 'rejectReason' || d.kind === 'resolveReason' ? <LineDialog dialog={d} theme={theme} width={Math.min(size.columns, 100)} target={target} /> : null;
    main = (
      <>
        <Body
          ui={ui}
          rows={rows}
          total={all.length}
          selected={selected}
          now={model.now}
          audit={model.audit}
          timeline={timeline}
          size={size}
          theme={theme}
          slo={props.slo}
          dialogRows={dialogRows}
          body={body}
        />
        {line}
      </>
    );
  }
  return (
    <Box flexDirection="column" width={size.columns} height={size.rows - 1}>
      {header}
      <Box flexDirection="column" height={body}>
        {main}
      </Box>
      {hintLine}
    </Box>
  );
}
