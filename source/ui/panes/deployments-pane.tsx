// The deployments table: one column declaration gives the header and every row, cut by display cells.
import { Text } from 'ink';
import type { DeploymentView } from '../../engine/deployment-view.js';
import { sanitize } from '../../domain/sanitize.js';
import type { Theme } from '../theme.js';
import { attrs, glyph, LEVEL_COLOR, stateLabel } from '../theme.js';
import { age, countdown, windowAround } from '../deployment-list.js';
import { cells, fit, fitTail } from '../text.js';
import { Pane } from './pane.js';

interface Column {
  name: string;
  width: number;
  /** Ids are cut in front so the distinguishing suffix stays. */
  tail?: boolean;
  cell: (d: DeploymentView) => string;
  color?: (d: DeploymentView) => string | undefined;
}

/** "stage 3/7" of a deployment that has started its canary. */
export function stageOf(d: DeploymentView): string {
  return `${Math.min(d.stage + 1, d.plan.length)}/${d.plan.length}`;
}

function stateCell(d: DeploymentView, now: number, theme: Theme): string {
  const s = stateLabel(d.state, theme, d.outcome);
  if (d.state === 'awaiting_approval' && d.approvalExpiresAtMs !== undefined) return `${s.symbol} awaiting, ${d.approvalExpiresAtMs > now ? `${countdown(d.approvalExpiresAtMs - now)} left` : 'overdue'}`;
  const running = d.state === 'canary' || d.state === 'paused' || d.state === 'rolling_back';
  return `${s.symbol} ${s.text}${running ? ` ${d.plan[d.stage] ?? ''}% ${stageOf(d)}` : ''}`;
}

function columns(rows: readonly DeploymentView[], inner: number, now: number, theme: Theme): Column[] {
  const idWidth = Math.min(18, Math.max(4, ...rows.map((d) => cells(sanitize(d.id)))));
  const showVersion = inner >= 88;
  const showTier = inner >= 72;
  const stateWidth = inner >= 80 ? 24 : 22;
  const fixed = 2 + idWidth + 1 + 12 + stateWidth + 1 + 4 + (showVersion ? 10 : 0) + (showTier ? 9 : 0);
  const serviceWidth = Math.max(8, Math.min(24, inner - fixed - 1));
  const all: Array<Column | false> = [
    { name: 'id', width: idWidth, tail: true, cell: (d) => sanitize(d.id) },
    { name: 'service', width: serviceWidth, cell: (d) => sanitize(d.request.serviceId) },
    showVersion && { name: 'version', width: 9, cell: (d) => sanitize(d.request.version) },
    showTier && { name: 'tier', width: 8, cell: (d) => d.tier },
    { name: 'risk', width: 11, cell: (d) => `${d.assessment.level} ${d.assessment.score.toFixed(2)}`, color: (d) => LEVEL_COLOR[d.assessment.level] },
    { name: 'state', width: stateWidth, cell: (d) => stateCell(d, now, theme), color: (d) => stateLabel(d.state, theme).color },
    { name: 'age', width: 4, cell: (d) => age(now - d.requestedAtMs) },
  ];
  return all.filter((c): c is Column => c !== false);
}

/** A row as runs of text: coloured cells apart, the rest joined (fewer Ink nodes per row, measured per frame). */
function segments(cols: readonly Column[], d: DeploymentView, cut: (c: Column, text: string) => string, theme: Theme): Array<{ text: string; color?: string | undefined }> {
  const out: Array<{ text: string; color?: string | undefined }> = [];
  cols.forEach((c, i) => {
    const text = cut(c, c.cell(d)) + (i < cols.length - 1 ? ' ' : '');
    const color = theme.color ? c.color?.(d) : undefined;
    const last = out.at(-1);
    if (!color && last && !last.color) last.text += text;
    else out.push({ text, color });
  });
  return out;
}

export function DeploymentsPane(props: {
  rows: DeploymentView[];
  total: number;
  selectedId: string | undefined;
  now: number;
  height: number;
  width: number;
  focused: boolean;
  sort: string;
  filter: string;
  theme: Theme;
}) {
  const { rows, theme } = props;
  const visibleRows = Math.max(1, props.height - 4);
  const index = rows.findIndex((d) => d.id === props.selectedId);
  const { start, end } = windowAround(rows.length, Math.max(0, index), visibleRows);
  const shown = rows.slice(start, end);
  const cols = columns(shown, props.width - 4, props.now, theme);
  const ell = glyph(theme, 'ellipsis');
  const cut = (c: Column, text: string): string => (c.tail ? fitTail(text, c.width, ell) : fit(text, c.width, ell));
  const dot = glyph(theme, 'dot');
  const hidden = props.selectedId !== undefined && index < 0 ? ` ${dot} selected ${sanitize(props.selectedId, 30)} is hidden by the filter` : '';
  const title = `Deployments ${rows.length}${rows.length !== props.total ? ` of ${props.total}` : ''} ${dot} sort ${props.sort}${props.filter ? ` ${dot} filter "${sanitize(props.filter, 20)}"` : ''}${hidden}`;
  return (
    <Pane title={title} focused={props.focused} height={props.height} width={props.width} theme={theme}>
      <Text {...attrs(theme, { dim: true })} wrap="truncate">
        {'  '}
        {cols.map((c) => cut(c, c.name)).join(' ')}
      </Text>
      {rows.length === 0 ? <Text {...attrs(theme, { dim: true })}>  nothing to show{props.filter ? ' (Esc clears the filter)' : ' yet'}</Text> : null}
      {shown.map((d) => {
        const isSel = d.id === props.selectedId;
        return (
          <Text key={d.id} {...attrs(theme, { inverse: isSel })} wrap="truncate">
            {isSel ? `${glyph(theme, 'pointer')} ` : '  '}
            {segments(cols, d, cut, theme).map((seg, i) => (seg.color ? <Text key={i} color={seg.color}>{seg.text}</Text> : seg.text))}
          </Text>
        );
      })}
    </Pane>
  );
}
