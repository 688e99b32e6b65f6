import { Box, Text } from 'ink';
import type { DeploymentView } from '../engine/deployment-view.js';
import { sanitize } from '../domain/sanitize.js';
import type { Theme } from './theme.js';

export function StatusBar(props: {
  mode: 'live' | 'replay';
  speed: number;
  paused: boolean;
  autonomy: string;
  readonly: boolean;
  operator: string;
  now: number;
  deployments: readonly DeploymentView[];
  filter: string;
  progress: string;
  quarantined: number;
  message: { text: string; error: boolean } | undefined;
  hints: string[];
  theme: Theme;
}) {
  const { theme } = props;
  const count = (pred: (d: DeploymentView) => boolean): number => props.deployments.filter(pred).length;
  const waiting = count((d) => d.state === 'awaiting_approval');
  const inCanary = count((d) => d.state === 'canary' || d.state === 'paused');
  const ok = count((d) => d.outcome === 'succeeded');
  const bad = count((d) => d.outcome === 'rolled_back' || d.outcome === 'failed');
  const stopped = count((d) => d.outcome === 'blocked' || d.outcome === 'rejected' || d.outcome === 'expired');
  const mode = props.mode === 'live' ? 'LIVE' : props.paused ? `REPLAY ${theme.ascii ? '||' : '⏸'} paused` : `REPLAY ×${props.speed}`;
  const color = (c: string) => (theme.color ? { color: c } : {});
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text inverse bold> {mode} </Text> {props.autonomy}
        {props.readonly ? <Text inverse {...color('yellow')}> READ-ONLY </Text> : null}
        {props.quarantined > 0 ? <Text {...color('yellow')}> {theme.ascii ? '!' : '⚠'} {props.quarantined} quarantined (genops-tui quarantine list)</Text> : null} {new Date(props.now).toISOString().slice(0, 16).replace('T', ' ')}Z {props.progress}{' '}
        <Text {...color('yellow')}>{waiting} awaiting</Text> · <Text {...color('cyan')}>{inCanary} canary</Text> · <Text {...color('green')}>{ok} ok</Text> · <Text {...color('red')}>{bad} rolled back</Text> · {stopped} stopped
        {props.filter ? ` · filter "${sanitize(props.filter, 20)}"` : ''} · as {sanitize(props.operator, 20)}
      </Text>
      <Text wrap="truncate">
        {props.message ? <Text {...color(props.message.error ? 'red' : 'green')}>{sanitize(props.message.text, 200)} · </Text> : null}
        <Text dimColor>{props.hints.join('  ')}</Text>
      </Text>
    </Box>
  );
}
