// Dialogs. A decision's confirmation takes the whole body and carries what it asks the operator to check:
// the deployment's id, service, version and level, the factors and total, the reasons and the policies.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { DeploymentView } from '../engine/deployment-view.js';
import { sanitize } from '../domain/sanitize.js';
import type { KeyContext } from './keymap.js';
import { BINDINGS, disabledReason } from './keymap.js';
import { fitLines } from './panes/pane.js';
import { riskLines } from './panes/risk-pane.js';
import { stageOf } from './panes/deployments-pane.js';
import type { Theme } from './theme.js';
import { attrs, button, glyph, LEVEL_COLOR, stateLabel } from './theme.js';
import type { Dialog } from './ui-state.js';
import { fit, wrap } from './text.js';
import { COMMANDS } from './ui-reducer.js';
import { countdown } from './deployment-list.js';

function Frame(props: { title: string; theme: Theme; children: ReactNode; width: number; height?: number }) {
  return (
    <Box
      flexDirection="column"
      borderStyle={props.theme.ascii ? 'classic' : 'double'}
      {...(props.theme.color ? { borderColor: 'yellow' } : {})}
      paddingX={1}
      width={props.width}
      {...(props.height ? { height: props.height } : {})}
      flexShrink={0}
      overflow="hidden"
    >
      <Text {...attrs(props.theme, { bold: true })} wrap="truncate">{props.title}</Text>
      {props.children}
    </Box>
  );
}

/** Rows a dialog drawn under the panes takes, border included (decisions and help take the whole body). */
export function dialogHeight(kind: Dialog['kind']): number {
  return kind === 'filter' || kind === 'command' ? 4 : kind === 'rejectReason' || kind === 'resolveReason' ? 6 : 0;
}

/** The hint line while a dialog owns the keys. */
export const DIALOG_HINTS: Record<Exclude<Dialog['kind'], 'none'>, string[]> = {
  help: ['j/k scroll', 'Esc close'],
  filter: ['type to filter', 'Enter keep', 'Esc clear'],
  command: ['Tab complete', 'Enter run', 'Esc close'],
  rejectReason: ['type the reason', 'Enter submit', 'Esc cancel'],
  resolveReason: ['say what was done', 'Enter submit', 'Esc cancel'],
  confirmApprove: ['Left/Right choose', 'Enter confirm', 'Esc cancel'],
  confirmAbort: ['Left/Right choose', 'Enter confirm', 'Esc cancel'],
  confirmPromote: ['Left/Right choose', 'Enter confirm', 'Esc cancel'],
};

export const FULL_BODY: ReadonlySet<Dialog['kind']> = new Set(['help', 'confirmApprove', 'confirmAbort', 'confirmPromote']);

function Buttons(props: { yes: string; onYes: boolean; theme: Theme }) {
  const { theme } = props;
  return (
    <Text wrap="truncate">
      <Text {...attrs(theme, { inverse: !props.onYes })}>{button('Cancel', !props.onYes)}</Text>
      {'  '}
      <Text {...attrs(theme, { inverse: props.onYes, color: props.onYes ? 'red' : undefined })}>{button(props.yes, props.onYes)}</Text>
    </Text>
  );
}

const identity = (d: DeploymentView, theme: Theme): ReactNode => (
  <Text wrap="truncate">
    {sanitize(d.request.serviceId, 40)} {sanitize(d.request.version, 30)} {glyph(theme, 'dot')} requested by {sanitize(d.request.requestedBy, 30)} {glyph(theme, 'dot')}{' '}
    <Text {...attrs(theme, { bold: true, color: LEVEL_COLOR[d.assessment.level] })}>
      {d.assessment.level} {d.assessment.score.toFixed(2)}
    </Text>
  </Text>
);

/** Attached to an engine that is not answering: said before the decision is sent, not after. */
function EngineWarning(props: { warning: string | undefined; theme: Theme }) {
  if (!props.warning) return null;
  return (
    <Text wrap="truncate" {...attrs(props.theme, { color: 'red', bold: true })}>
      {glyph(props.theme, 'warn')} {props.warning}
    </Text>
  );
}

const keysLine = (theme: Theme, operator: string, scrolls: boolean): string =>
  // Scrolling takes the words "or Tab" so who decides still shows at 80 columns.
  `${glyph(theme, 'left')}/${glyph(theme, 'right')}${scrolls ? '' : ' or Tab'} choose ${glyph(theme, 'dot')} Enter confirms ${glyph(theme, 'dot')} Esc cancels${scrolls ? ` ${glyph(theme, 'dot')} ${glyph(theme, 'up')}/${glyph(theme, 'down')} scroll` : ''} ${glyph(theme, 'dot')} as ${sanitize(operator, 30)}`;

type ConfirmKind = 'confirmApprove' | 'confirmAbort' | 'confirmPromote';

/** Rows a confirmation's body has: the border, title, identity, keys and buttons (and a warning) take the rest. */
export const confirmRows = (height: number, warning: boolean): number => Math.max(1, height - 6 - (warning ? 1 : 0));

/** How far a body of `count` lines scrolls in `rows`: until its last line shows under the "above" note. */
export const confirmScrollMax = (count: number, rows: number): number => (count <= rows ? 0 : count - rows + 1);

function abortLines(d: DeploymentView, theme: Theme): ReactNode[] {
  const s = stateLabel(d.state, theme, d.outcome);
  const dot = glyph(theme, 'dot');
  return [
    <Text key="now" wrap="truncate">
      now {s.text} at {d.plan[d.stage] ?? 0}% traffic {dot} stage {stageOf(d)} of plan {d.plan.join(glyph(theme, 'arrow'))}
    </Text>,
    ...d.stages.map((r) => (
      <Text key={`v-${r.stage}-${r.verdict}`} wrap="truncate">
        {r.percent}%: {r.verdict} {dot} {sanitize(r.reason, 160)}
      </Text>
    )),
    <Text key="samples" wrap="truncate">
      {d.samples.length} {d.samples.length === 1 ? 'sample' : 'samples'} this stage
    </Text>,
    <Text key="what" wrap="truncate">Traffic returns to the current version; the audit trail records you as the one who aborted.</Text>,
  ];
}

/** What promoting does, from the stage as it is: the traffic now and next, and what this stage has shown so far. */
function promoteLines(d: DeploymentView, width: number, theme: Theme): ReactNode[] {
  const s = stateLabel(d.state, theme, d.outcome);
  const dot = glyph(theme, 'dot');
  const now = d.plan[d.stage] ?? 0;
  const next = d.plan[d.stage + 1];
  const last = d.stage + 1 >= d.plan.length - 1;
  const judged = d.stages.find((r) => r.stage === d.stage);
  const gaps = d.samples.filter((x) => x.providerError !== undefined || (x.errorRate === undefined && x.p99Ms === undefined)).length;
  const lastSample = d.samples.at(-1);
  const latest = lastSample
    ? ` ${dot} latest error rate ${lastSample.errorRate === undefined ? 'no data' : `${(lastSample.errorRate * 100).toFixed(2)}%`}, p99 ${lastSample.p99Ms === undefined ? 'no data' : `${Math.round(lastSample.p99Ms)}ms`}`
    : '';
  const warn = `Promoting skips the rest of this stage's analysis: ${next === undefined ? 'more' : `${next}% of`} users get ${sanitize(d.request.version, 30)} before this stage is verified. The audit trail records you as the one who promoted.`;
  return [
    <Text key="now" wrap="truncate">
      now {s.text} at {now}% traffic {dot} stage {stageOf(d)} of plan {d.plan.join(glyph(theme, 'arrow'))}
    </Text>,
    <Text key="next" wrap="truncate" {...attrs(theme, { bold: true })}>
      next {next === undefined ? '(none)' : `${next}% traffic`} {dot} stage {Math.min(d.stage + 2, d.plan.length)}/{d.plan.length}
      {last ? ` ${dot} the last stage: full rollout` : ''}
    </Text>,
    <Text key="stage" wrap="truncate">
      this stage so far: {d.samples.length} {d.samples.length === 1 ? 'sample' : 'samples'}
      {gaps ? ` (${gaps} ${gaps === 1 ? 'gap or provider error' : 'gaps or provider errors'})` : ''} {dot} verdict {judged ? `${judged.verdict}: ${sanitize(judged.reason, 120)}` : 'none yet (the analysis has not run)'}
      {latest}
    </Text>,
    ...d.stages
      .filter((r) => r.stage !== d.stage)
      .map((r) => (
        <Text key={`v-${r.stage}-${r.verdict}`} wrap="truncate">
          {r.percent}%: {r.verdict} {dot} {sanitize(r.reason, 160)}
        </Text>
      )),
    ...wrap(warn, Math.max(20, width - 4)).map((l, i) => (
      <Text key={`warn-${i}`} wrap="truncate" {...attrs(theme, { color: 'yellow' })}>
        {l}
      </Text>
    )),
  ];
}

/** The lines of a confirmation's body (what it asks the operator to check), as drawn at `width`. */
export function confirmLines(kind: ConfirmKind, d: DeploymentView, width: number, theme: Theme): ReactNode[] {
  if (kind === 'confirmApprove') return riskLines(d, width - 2, theme);
  return kind === 'confirmAbort' ? abortLines(d, theme) : promoteLines(d, width, theme);
}

const TITLE: Record<ConfirmKind, (id: string) => string> = {
  confirmApprove: (id) => `Approve ${id}?`,
  confirmAbort: (id) => `Abort ${id} and roll back?`,
  confirmPromote: (id) => `Promote ${id} to its next stage?`,
};
const YES: Record<ConfirmKind, string> = { confirmApprove: 'Approve', confirmAbort: 'Abort', confirmPromote: 'Promote' };

/**
 * A decision's confirmation: what it acts on, its body (scrolled by ↑/↓ when taller than the screen, with a
 * note naming the key for every line cut, never cut silently), the keys and the buttons.
 */
export function Confirm(props: { kind: ConfirmKind; d: DeploymentView; onYes: boolean; offset: number; theme: Theme; width: number; height: number; operator: string; now: number; warning?: string | undefined }) {
  const { d, theme } = props;
  const lines = confirmLines(props.kind, d, props.width, theme);
  const rows = confirmRows(props.height, Boolean(props.warning));
  const max = confirmScrollMax(lines.length, rows);
  const offset = Math.min(props.offset, max);
  const expires = props.kind === 'confirmApprove' && d.approvalExpiresAtMs !== undefined ? ` (the gate expires in ${countdown(d.approvalExpiresAtMs - props.now)})` : '';
  return (
    <Frame title={`${TITLE[props.kind](sanitize(d.id))}${expires}`} theme={theme} width={props.width} height={props.height}>
      {identity(d, theme)}
      {fitLines(lines, rows, theme, { offset, scrolls: true })}
      <Box flexGrow={1} />
      <EngineWarning warning={props.warning} theme={theme} />
      <Text wrap="truncate" {...attrs(theme, { dim: true })}>{keysLine(theme, props.operator, max > 0)}</Text>
      <Buttons yes={YES[props.kind]} onYes={props.onYes} theme={theme} />
    </Frame>
  );
}

/** The help's lines: each key with its description and, when it does nothing now, why: wrapped, never cut. */
export function helpLines(context: KeyContext, theme: Theme, width: number): ReactNode[] {
  return BINDINGS.flatMap((b) => {
    const why = disabledReason(b, context);
    const keys = fit(theme.ascii ? b.keys.replace('↓', 'down').replace('↑', 'up') : b.keys, 8);
    const text = `${b.description}${why ? ` (now: ${sanitize(why, 200)})` : ''}`;
    return wrap(text, Math.max(20, width - 4 - 9)).map((l, i) => (
      <Text key={`${b.id}-${i}`} wrap="truncate">
        {i === 0 ? keys : ' '.repeat(8)} {l}
      </Text>
    ));
  });
}

/** Rows the help has for its lines (border and title take the rest). */
export const helpRows = (height: number): number => Math.max(1, height - 3);

export function Help(props: { context: KeyContext; theme: Theme; width: number; height: number; offset: number }) {
  const { theme } = props;
  const lines = helpLines(props.context, theme, props.width);
  const rows = helpRows(props.height);
  const offset = Math.min(props.offset, confirmScrollMax(lines.length, rows));
  return (
    <Frame title={`Keys (Esc or ? closes${lines.length > rows ? ', j/k scroll' : ''})`} theme={theme} width={props.width} height={props.height}>
      {fitLines(lines, rows, theme, { what: 'keys', offset, scrolls: true })}
    </Frame>
  );
}

export function LineDialog(props: { dialog: Extract<Dialog, { kind: 'filter' | 'command' | 'rejectReason' | 'resolveReason' }>; theme: Theme; width: number; target?: DeploymentView | undefined }) {
  const { dialog: d, theme } = props;
  const cursor = glyph(theme, 'cursor');
  switch (d.kind) {
    case 'filter':
      return (
        <Frame title="Filter as you type (Enter keeps it, Esc clears it)" theme={theme} width={props.width} height={4}>
          <Text wrap="truncate">/{sanitize(d.text)}{cursor}</Text>
        </Frame>
      );
    case 'command':
      return (
        <Frame title={`Command (Tab completes, Enter runs, Esc closes): ${COMMANDS.map((c) => c.trim()).join(' ')}`} theme={theme} width={props.width} height={4}>
          <Text wrap="truncate">:{sanitize(d.text)}{cursor}</Text>
        </Frame>
      );
    case 'rejectReason':
    case 'resolveReason': {
      const t = props.target;
      const title = d.kind === 'rejectReason' ? `Reject ${sanitize(d.id)}: reason` : `Resolve the failed rollback of ${sanitize(d.id)}: what was done`;
      return (
        <Frame title={`${title} (Enter submits, Esc cancels)`} theme={theme} width={props.width} height={6}>
          {t ? identity(t, theme) : <Text> </Text>}
          <Text wrap="truncate">
            {'> '}
            {sanitize(d.text)}
            {cursor}
          </Text>
          <Text {...attrs(theme, { dim: true })}>{d.text.trim() === '' ? 'a reason is required' : ' '}</Text>
        </Frame>
      );
    }
  }
}
