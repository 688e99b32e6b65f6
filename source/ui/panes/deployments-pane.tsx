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
  /** The header when the name is wider than the column ("ver" for a 5-cell version column). */
  short?: string;
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

/**
 * A column as declared: its place on screen by priority (1 first), its width in display cells, measured from
 * the rows shown: never below `min`, grown towards `ideal` when there is room. `essential` columns (what an
 * operator needs to tell rows apart and act: id, service, version, state, level) come first at their
 * minimum, then grow; the rest (age, tier) take what is left whole, or are left out; room still left
 * widens service, version and state up to `roomy`, so columns line up from frame to frame on a wide screen.
 */
interface Declared extends Omit<Column, 'width'> {
  priority: number;
  min: number;
  ideal: number;
  roomy?: number;
  essential: boolean;
}

const widest = (rows: readonly DeploymentView[], cell: (d: DeploymentView) => string): number => Math.max(0, ...rows.map((d) => cells(cell(d))));

/** The columns that fit in `inner` cells (a space between columns), in their declared order. */
export function columns(rows: readonly DeploymentView[], inner: number, now: number, theme: Theme): Column[] {
  const id = (d: DeploymentView): string => sanitize(d.id);
  const service = (d: DeploymentView): string => sanitize(d.request.serviceId);
  const version = (d: DeploymentView): string => sanitize(d.request.version);
  const state = (d: DeploymentView): string => stateCell(d, now, theme);
  const risk = (d: DeploymentView): string => `${d.assessment.level} ${d.assessment.score.toFixed(2)}`;
  const idW = Math.min(18, Math.max(4, widest(rows, id)));
  const serviceW = Math.min(24, Math.max(7, widest(rows, service)));
  const versionW = Math.min(12, Math.max(3, widest(rows, version)));
  const stateW = Math.min(24, Math.max(10, widest(rows, state)));
  const declared: Declared[] = [
    { name: 'id', priority: 1, essential: true, min: idW, ideal: idW, tail: true, cell: id },
    { name: 'service', priority: 4, essential: true, min: Math.min(8, serviceW), ideal: serviceW, roomy: 24, cell: service },
    // At least as wide as its header when there is room ("version"), "ver" when not.
    { name: 'version', short: 'ver', priority: 5, essential: true, min: Math.min(5, versionW), ideal: Math.max(7, versionW), roomy: 10, cell: version },
    { name: 'tier', priority: 7, essential: false, min: 8, ideal: 8, cell: (d) => d.tier },
    // The level always ("CRITICAL" in 8 cells), with its score when the column has room ("MEDIUM 0.46").
    { name: 'risk', priority: 3, essential: true, min: 8, ideal: Math.max(8, widest(rows, risk)), cell: risk, color: (d) => LEVEL_COLOR[d.assessment.level] },
    { name: 'state', priority: 2, essential: true, min: Math.min(17, stateW), ideal: stateW, roomy: 24, cell: state, color: (d) => stateLabel(d.state, theme).color },
    { name: 'age', priority: 6, essential: false, min: 4, ideal: 4, cell: (d) => age(now - d.requestedAtMs) },
  ];
  const byPriority = [...declared].sort((a, b) => a.priority - b.priority);
  const width = new Map<Declared, number>();
  let used = -1; // n columns take n - 1 separating spaces
  for (const c of byPriority.filter((x) => x.essential)) {
    if (used + 1 + c.min > inner) continue;
    width.set(c, c.min);
    used += 1 + c.min;
  }
  for (const c of byPriority) {
    const w = width.get(c);
    if (w === undefined) continue;
    const grow = Math.min(c.ideal - w, inner - used);
    width.set(c, w + grow);
    used += grow;
  }
  for (const c of byPriority.filter((x) => !x.essential)) {
    if (used + 1 + c.ideal > inner) continue;
    width.set(c, c.ideal);
    used += 1 + c.ideal;
  }
  for (const c of byPriority) {
    const w = width.get(c);
    if (w === undefined || c.roomy === undefined || c.roomy <= w) continue;
    const grow = Math.min(c.roomy - w, inner - used);
    width.set(c, w + grow);
    used += grow;
  }
  return declared.flatMap((c) => {
    const w = width.get(c);
    if (w === undefined) return [];
    // A risk column too narrow for a row's score shows that row's level whole rather than a cut score.
    const cell = c.name === 'risk' ? (d: DeploymentView) => (cells(risk(d)) <= w ? risk(d) : d.assessment.level) : c.cell;
    return [{ name: c.name, ...(c.short ? { short: c.short } : {}), width: w, ...(c.tail ? { tail: true } : {}), cell, ...(c.color ? { color: c.color } : {}) }];
  });
}

/**
 * The rows drawn in `height` lines around the selection, leaving a line for "… N more above" and one for
 * "… N more below" where rows are cut (none is cut silently); below three lines, the window alone.
 */
export function rowWindow(count: number, selected: number, height: number): { start: number; end: number } {
  if (count <= height || height < 3) return windowAround(count, selected, height);
  const w = windowAround(count, selected, height - 2);
  if (w.start === 0) return { start: 0, end: w.end + 1 };
  if (w.end === count) return { start: w.start - 1, end: count };
  return w;
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
  const { start, end } = rowWindow(rows.length, Math.max(0, index), visibleRows);
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
        {cols.map((c) => cut(c, cells(c.name) > c.width && c.short ? c.short : c.name)).join(' ')}
      </Text>
      {rows.length === 0 ? <Text {...attrs(theme, { dim: true })}>  nothing to show{props.filter ? ' (Esc clears the filter)' : ' yet'}</Text> : null}
      {start > 0 ? <Text {...attrs(theme, { dim: true })} wrap="truncate">{`  ${ell} ${start} more above`}</Text> : null}
      {shown.map((d) => {
        const isSel = d.id === props.selectedId;
        return (
          <Text key={d.id} {...attrs(theme, { inverse: isSel })} wrap="truncate">
            {isSel ? `${glyph(theme, 'pointer')} ` : '  '}
            {segments(cols, d, cut, theme).map((seg, i) => (seg.color ? <Text key={i} color={seg.color}>{seg.text}</Text> : seg.text))}
          </Text>
        );
      })}
      {end < rows.length ? <Text {...attrs(theme, { dim: true })} wrap="truncate">{`  ${ell} ${rows.length - end} more below`}</Text> : null}
    </Pane>
  );
}
