import { Text } from 'ink';
import type { AuditEntry } from '../../store/audit-log.js';
import { sanitize } from '../../domain/sanitize.js';
import type { Theme } from '../theme.js';
import { fit } from '../deployment-list.js';
import { Pane } from './pane.js';

const ACTOR_COLOR: Record<string, string> = { human: 'cyan', ai: 'magenta', policy: 'yellow', system: 'gray' };

function summary(e: AuditEntry): string {
  const p = e.payload;
  const parts = ['action', 'level', 'outcome', 'percent', 'verdict', 'reason'].flatMap((k) => (p[k] === undefined ? [] : [`${k}=${typeof p[k] === 'number' ? Number(p[k]).toString() : String(p[k])}`]));
  return sanitize(parts.join(' '), 160);
}

export function AuditPane(props: { entries: readonly AuditEntry[]; height: number; width: number; focused: boolean; theme: Theme }) {
  const rows = Math.max(0, props.height - 3);
  const { theme } = props;
  return (
    <Pane title="Audit trail (newest last)" focused={props.focused} height={props.height} width={props.width} theme={theme}>
      {props.entries.slice(-rows).map((e) => (
        <Text key={e.seq} wrap="truncate">
          {' '}
          <Text dimColor>{String(e.seq).padStart(6)} {e.ts.slice(5, 16).replace('T', ' ')}</Text>{' '}
          <Text {...(theme.color ? { color: ACTOR_COLOR[e.actor.kind] ?? 'white' } : {})}>{fit(`${e.actor.kind}:${sanitize(e.actor.id, 20)}`, 22)}</Text>{' '}
          {fit(sanitize(e.event, 22), 20)} {fit(sanitize(e.deploymentId ?? '-', 12), 12)} {summary(e)}
        </Text>
      ))}
    </Pane>
  );
}
