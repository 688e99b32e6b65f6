import { Text } from 'ink';
import type { DeploymentView } from '../../engine/deployment-view.js';
import { sanitize } from '../../domain/sanitize.js';
import type { Theme } from '../theme.js';
import { LEVEL_COLOR, stateLabel } from '../theme.js';
import { age, fit, windowAround } from '../deployment-list.js';
import { Pane } from './pane.js';

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
  const selected = Math.max(0, rows.findIndex((d) => d.id === props.selectedId));
  const { start, end } = windowAround(rows.length, selected, visibleRows);
  // Columns that fit: version and tier go first when the pane is narrow.
  const inner = props.width - 4;
  const showVersion = inner >= 88;
  const showTier = inner >= 72;
  const fixed = 2 + 12 + 12 + 17 + 4 + (showVersion ? 10 : 0) + (showTier ? 9 : 0);
  const serviceWidth = Math.max(8, Math.min(24, inner - fixed - 1));
  const title = `Deployments ${rows.length}${rows.length !== props.total ? ` of ${props.total}` : ''} · sort ${props.sort}${props.filter ? ` · filter "${sanitize(props.filter, 20)}"` : ''}`;
  return (
    <Pane title={title} focused={props.focused} height={props.height} width={props.width} theme={theme}>
      <Text dimColor wrap="truncate">
        {'  '}
        {fit('id', 11)} {fit('service', serviceWidth)} {showVersion ? `${fit('version', 9)} ` : ''}{showTier ? `${fit('tier', 8)} ` : ''}{fit('risk', 11)} {fit('state', 16)} age
      </Text>
      {rows.length === 0 ? <Text dimColor>  nothing to show{props.filter ? ' (Esc clears the filter)' : ' yet'}</Text> : null}
      {rows.slice(start, end).map((d) => {
        const s = stateLabel(d.state, theme, d.outcome);
        const isSel = d.id === props.selectedId;
        const level = d.assessment.level;
        return (
          <Text key={d.id} inverse={isSel} wrap="truncate">
            {isSel ? (theme.ascii ? '> ' : '› ') : '  '}
            {fit(sanitize(d.id), 11)} {fit(sanitize(d.request.serviceId), serviceWidth)} {showVersion ? `${fit(sanitize(d.request.version), 9)} ` : ''}
            {showTier ? `${fit(d.tier, 8)} ` : ''}
            <Text {...(theme.color ? { color: LEVEL_COLOR[level] } : {})}>{fit(`${level} ${d.assessment.score.toFixed(2)}`, 11)}</Text>{' '}
            <Text {...(theme.color ? { color: s.color } : {})}>{fit(`${s.symbol} ${s.text}${d.state === 'canary' ? ` ${d.plan[d.stage] ?? ''}%` : ''}`, 16)}</Text>{' '}
            {age(props.now - d.requestedAtMs)}
          </Text>
        );
      })}
    </Pane>
  );
}
