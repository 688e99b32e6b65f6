import { Text } from 'ink';
import type { DeploymentView } from '../../engine/deployment-view.js';
import { sanitize } from '../../domain/sanitize.js';
import type { Theme } from '../theme.js';
import { attrs, glyph } from '../theme.js';
import { fit, fitTail } from '../text.js';
import { contentRows, fitLines, Pane } from './pane.js';

export function SimilarPane(props: { deployment: DeploymentView | undefined; height: number; width: number; focused: boolean; theme: Theme; offset?: number }) {
  const { deployment: d, theme } = props;
  if (!d) return <Pane title="Similar past deployments" focused={props.focused} height={props.height} width={props.width} theme={theme}><Text {...attrs(theme, { dim: true })}>  select a deployment</Text></Pane>;
  const a = d.assessment;
  const ell = glyph(theme, 'ellipsis');
  const cursor = props.offset ?? 0;
  const lines = a.evidence.map((e, i) => {
    const bad = e.outcome === 'failed' || e.outcome === 'rolled_back';
    const here = props.focused && i === cursor;
    return (
      <Text key={e.deploymentId} wrap="truncate" {...attrs(theme, { inverse: here })}>
        {here ? `${glyph(theme, 'pointer')} ` : '  '}
        {e.similarity.toFixed(2)} {fitTail(sanitize(e.deploymentId), 12, ell)}{' '}
        <Text {...attrs(theme, { color: bad ? 'red' : 'green' })}>{fit(`${bad ? glyph(theme, 'bad') : glyph(theme, 'ok')} ${e.outcome}`, 14, ell)}</Text>
        {e.failureReason ? sanitize(e.failureReason, 120) : ''}
      </Text>
    );
  });
  return (
    <Pane title={`Similar ${glyph(theme, 'dot')} failure share ${(a.similarFailureRate * 100).toFixed(0)}% ${glyph(theme, 'dot')} conf ${a.confidence.toFixed(2)}`} focused={props.focused} height={props.height} width={props.width} theme={theme}>
      {a.evidence.length === 0 ? <Text {...attrs(theme, { dim: true })} wrap="truncate">  no similar deployments in history yet</Text> : null}
      {fitLines(lines, contentRows(props.height), theme, { what: 'similar deployments', offset: cursor })}
    </Pane>
  );
}
