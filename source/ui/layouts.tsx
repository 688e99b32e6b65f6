// The wide, narrow and detail layouts in one place, and which panes each puts on screen (the Tab cycle).
import { Box } from 'ink';
import type { ReactNode } from 'react';
import type { DeploymentView } from '../engine/deployment-view.js';
import type { AuditEntry } from '../store/audit-log.js';
import { AuditPane } from './panes/audit-pane.js';
import { CanaryPane } from './panes/canary-pane.js';
import { DeploymentsPane } from './panes/deployments-pane.js';
import { RiskPane, riskHeight } from './panes/risk-pane.js';
import { SimilarPane } from './panes/similar-pane.js';
import type { Theme } from './theme.js';
import type { Pane, UiState } from './ui-state.js';

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 16;

export const isWide = (size: { columns: number; rows: number }): boolean => size.columns >= 110 && size.rows >= 30;

/** Rows between the header and the hint line (one spare: an Ink frame as tall as the terminal flickers). */
export const bodyRows = (size: { rows: number }, footer = 1): number => size.rows - 2 - footer;

/** The narrow list shows the canary pane only when there is room for it. */
const narrowListHeights = (body: number): { list: number; rest: number } => {
  const list = Math.max(6, Math.floor(body * 0.45));
  return { list, rest: body - list };
};

export function panesOnScreen(size: { columns: number; rows: number }, detail: boolean, dialogRows: number): Pane[] {
  if (detail) return ['risk', 'canary', 'similar', 'timeline'];
  if (isWide(size)) return ['deployments', 'canary', 'risk', 'similar', 'audit'];
  return narrowListHeights(bodyRows(size)).rest - dialogRows >= 6 ? ['deployments', 'canary'] : ['deployments'];
}

export interface LayoutProps {
  ui: UiState;
  rows: DeploymentView[];
  total: number;
  selected: DeploymentView | undefined;
  now: number;
  audit: readonly AuditEntry[];
  timeline: readonly AuditEntry[];
  size: { columns: number; rows: number };
  theme: Theme;
  slo: { errorRate: number; p99Ms: number };
  /** Rows a line dialog (filter, command, reason) drawn under the panes takes. */
  dialogRows: number;
  /** Rows between the header and the footer. */
  body: number;
}

export function Body(p: LayoutProps): ReactNode {
  const { ui, theme, size, selected } = p;
  const body = p.body - p.dialogRows;
  const focus = (pane: Pane): boolean => ui.pane === pane;
  const canary = (height: number, width: number) => <CanaryPane deployment={selected} height={height} width={width} focused={focus('canary')} theme={theme} slo={p.slo} now={p.now} />;
  const similar = (height: number, width: number) => <SimilarPane deployment={selected} height={height} width={width} focused={focus('similar')} theme={theme} offset={ui.scroll.similar} />;
  const timeline = (height: number, width: number) => (
    <AuditPane entries={p.timeline} height={height} width={width} focused={focus('timeline')} theme={theme} offset={ui.scroll.timeline} title={`Timeline of ${selected?.id ?? ''} (audit entries and stage verdicts)`} showDeployment={false} />
  );
  const deployments = (height: number, width: number) => (
    <DeploymentsPane rows={p.rows} total={p.total} selectedId={ui.selectedId} now={p.now} height={height} width={width} focused={focus('deployments')} sort={ui.sort} filter={ui.filter} theme={theme} />
  );

  if (ui.detail && selected) {
    if (isWide(size)) {
      const left = Math.floor(size.columns / 2);
      const right = size.columns - left;
      // The risk pane takes what it needs; the timeline gets the rest of its column when that is worth it.
      const riskH = Math.min(riskHeight(selected, left, theme), body);
      if (body - riskH >= 8) {
        const canaryH = Math.floor(body / 2);
        return (
          <Box height={body}>
            <Box flexDirection="column" width={left} flexShrink={0}>
              <RiskPane deployment={selected} height={riskH} width={left} focused={focus('risk')} theme={theme} />
              {timeline(body - riskH, left)}
            </Box>
            <Box flexDirection="column" width={right} flexShrink={0}>
              {canary(canaryH, right)}
              {similar(body - canaryH, right)}
            </Box>
          </Box>
        );
      }
      const canaryH = Math.min(10, Math.floor(body / 3));
      const similarH = Math.floor((body - canaryH) / 2);
      return (
        <Box height={body}>
          <RiskPane deployment={selected} height={body} width={left} focused={focus('risk')} theme={theme} />
          <Box flexDirection="column" width={right} flexShrink={0}>
            {canary(canaryH, right)}
            {similar(similarH, right)}
            {timeline(body - canaryH - similarH, right)}
          </Box>
        </Box>
      );
    }
    // Narrow: the risk pane takes what it needs (all six factors fit at 80×24); below it, the focused one of
    // canary, similar and timeline.
    const riskH = Math.max(6, Math.min(riskHeight(selected, size.columns, theme), body - 5));
    const lowerH = body - riskH;
    const lower = ui.pane === 'similar' ? similar : ui.pane === 'timeline' ? timeline : canary;
    return (
      <Box flexDirection="column" height={body}>
        <RiskPane deployment={selected} height={riskH} width={size.columns} focused={focus('risk')} theme={theme} />
        {lowerH >= 3 ? lower(lowerH, size.columns) : null}
      </Box>
    );
  }

  if (!isWide(size)) {
    const { list } = narrowListHeights(p.body);
    const rest = body - list;
    return (
      <Box flexDirection="column" height={body}>
        {deployments(list, size.columns)}
        {rest >= 6 ? canary(rest, size.columns) : null}
      </Box>
    );
  }

  const auditH = Math.max(5, Math.floor(body * 0.22));
  const top = body - auditH;
  const listH = Math.floor(top * 0.55);
  const leftW = Math.floor(size.columns * 0.56);
  const rightW = size.columns - leftW;
  const riskH = Math.floor(top * 0.6);
  return (
    <Box flexDirection="column" height={body}>
      <Box height={top}>
        <Box flexDirection="column" width={leftW} flexShrink={0}>
          {deployments(listH, leftW)}
          {canary(top - listH, leftW)}
        </Box>
        <Box flexDirection="column" width={rightW} flexShrink={0}>
          <RiskPane deployment={selected} height={riskH} width={rightW} focused={focus('risk')} theme={theme} />
          {similar(top - riskH, rightW)}
        </Box>
      </Box>
      <AuditPane entries={p.audit} height={auditH} width={size.columns} focused={focus('audit')} theme={theme} offset={ui.scroll.audit} />
    </Box>
  );
}
