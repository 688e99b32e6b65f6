import { Text } from 'ink';
import type { DeploymentView } from '../../engine/deployment-view.js';
import { sanitize } from '../../domain/sanitize.js';
import type { Theme } from '../theme.js';
import { bar, LEVEL_COLOR } from '../theme.js';
import { fit } from '../deployment-list.js';
import { Pane } from './pane.js';

export function RiskPane(props: { deployment: DeploymentView | undefined; height: number; width: number; focused: boolean; theme: Theme }) {
  const { deployment: d, theme } = props;
  if (!d) return <Pane title="Risk" focused={props.focused} height={props.height} width={props.width} theme={theme}><Text dimColor>  select a deployment</Text></Pane>;
  const a = d.assessment;
  const barWidth = Math.max(6, Math.min(20, props.width - 40));
  const policies = a.policies;
  return (
    <Pane title={`Risk · ${sanitize(d.id)}`} focused={props.focused} height={props.height} width={props.width} theme={theme}>
      <Text wrap="truncate">
        {'  '}
        {sanitize(d.request.serviceId, 30)} {sanitize(d.request.version, 24)} by {sanitize(d.request.requestedBy, 30)}: +{d.request.change.linesChanged} lines, {d.request.change.filesChanged} files
        {d.request.change.dbMigration ? ', migration' : ''}
        {d.request.change.configChange ? ', config' : ''}
        {d.request.change.hotfix ? ', hotfix' : ''}
      </Text>
      <Text wrap="truncate" dimColor>  “{sanitize(d.request.change.summary, 200)}”</Text>
      <Text wrap="truncate">
        {'  '}
        <Text bold {...(theme.color ? { color: LEVEL_COLOR[a.level] } : {})}>{a.level} {a.score.toFixed(2)}</Text>  {bar(a.score, barWidth, theme)}  conf {a.confidence.toFixed(2)}
      </Text>
      {a.factors.map((f) => (
        <Text key={f.name} wrap="truncate">
          {'  '}
          {fit(f.name, 19)}{bar(f.value, barWidth, theme)} {f.value.toFixed(2)}×{f.weight.toFixed(2)}={f.contribution.toFixed(2)}
        </Text>
      ))}
      <Text wrap="truncate">
        {'  '}
        <Text bold>{decisionText(d)}</Text> · plan {a.decision.plan}
      </Text>
      {policies.length === 0 ? <Text dimColor wrap="truncate">  no policy fired</Text> : null}
      {policies.map((p) => (
        <Text key={p.id} wrap="truncate">
          {'  '}
          <Text {...(theme.color ? { color: p.waivedBy ? 'gray' : p.effect === 'deny' ? 'red' : p.effect === 'warn' ? 'gray' : 'yellow' } : {})}>
            {p.effect}{p.waivedBy ? ` (waived: ${sanitize(p.waivedBy, 24)})` : ''}
          </Text>{' '}
          {p.id}: {sanitize(p.reason, 80)}
        </Text>
      ))}
      <Text dimColor wrap="truncate">  advisor {a.advisor.recommendation}: {sanitize(a.advisor.rationale, 200)}</Text>
    </Pane>
  );
}

function decisionText(d: DeploymentView): string {
  const action = d.assessment.decision.action;
  return action === 'proceed' ? 'auto: proceed' : action === 'await_approval' ? 'needs approval' : 'blocked';
}
