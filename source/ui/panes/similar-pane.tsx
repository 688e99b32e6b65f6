import { Text } from 'ink';
import type { DeploymentView } from '../../engine/deployment-view.js';
import { sanitize } from '../../domain/sanitize.js';
import type { Theme } from '../theme.js';
import { fit } from '../deployment-list.js';
import { Pane } from './pane.js';

export function SimilarPane(props: { deployment: DeploymentView | undefined; height: number; width: number; focused: boolean; theme: Theme }) {
  const { deployment: d, theme } = props;
  const rows = Math.max(0, props.height - 4);
  if (!d) return <Pane title="Similar past deployments" focused={props.focused} height={props.height} width={props.width} theme={theme}><Text dimColor>  select a deployment</Text></Pane>;
  const a = d.assessment;
  return (
    <Pane title={`Similar · failure share ${(a.similarFailureRate * 100).toFixed(0)}% · conf ${a.confidence.toFixed(2)}`} focused={props.focused} height={props.height} width={props.width} theme={theme}>
      {a.evidence.length === 0 ? <Text dimColor wrap="truncate">  no similar deployments in history yet</Text> : null}
      {a.evidence.slice(0, rows).map((e) => {
        const bad = e.outcome === 'failed' || e.outcome === 'rolled_back';
        return (
          <Text key={e.deploymentId} wrap="truncate">
            {'  '}
            {e.similarity.toFixed(2)} {fit(sanitize(e.deploymentId), 12)}{' '}
            <Text {...(theme.color ? { color: bad ? 'red' : 'green' } : {})}>{fit(`${bad ? (theme.ascii ? 'x' : '✗') : theme.ascii ? 'v' : '✔'} ${e.outcome}`, 14)}</Text>
            {e.failureReason ? sanitize(e.failureReason, 60) : ''}
          </Text>
        );
      })}
    </Pane>
  );
}
