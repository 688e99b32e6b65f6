// Audit lines: the console's tail of the whole trail, or one deployment's own story (the detail timeline).
// Focused, j/k scroll them; the line under the cursor is marked, and Enter opens its deployment.
import { Text } from 'ink';
import type { AuditEntry } from '../../store/audit-log.js';
import { sanitize } from '../../domain/sanitize.js';
import type { Theme } from '../theme.js';
import { attrs, glyph } from '../theme.js';
import { fit, fitTail } from '../text.js';
import { contentRows, fitLines, Pane } from './pane.js';

const ACTOR_COLOR: Record<string, string> = { human: 'cyan', ai: 'magenta', policy: 'yellow', system: 'gray' };

function summary(e: AuditEntry): string {
  const p = e.payload;
  const parts = ['action', 'level', 'outcome', 'percent', 'verdict', 'reason'].flatMap((k) => (p[k] === undefined ? [] : [`${k}=${typeof p[k] === 'number' ? Number(p[k]).toString() : String(p[k])}`]));
  return sanitize(parts.join(' '), 200);
}

/**
 * The console keeps a tail of the trail: the entries before it (the trail's seq runs 1, 2, 3… without gaps)
 * count in "more above", and the note says where they are.
 */
function olderThan(entries: readonly AuditEntry[]): { count: number; note: (scrolls: boolean) => string } {
  const first = entries[0];
  const kept = entries.length;
  return {
    count: first ? Math.max(0, first.seq - 1) : 0,
    note: (scrolls) => (scrolls ? `j/k scrolls the last ${kept}; genops-tui audit tail shows all` : `older than the last ${kept} kept here: genops-tui audit tail shows them`),
  };
}

export function AuditPane(props: { entries: readonly AuditEntry[]; height: number; width: number; focused: boolean; theme: Theme; offset: number; title?: string; showDeployment?: boolean }) {
  const { theme } = props;
  const ell = glyph(theme, 'ellipsis');
  const cursor = props.entries.length - 1 - props.offset;
  const compact = props.showDeployment === false;
  const line = (i: number) => {
    const e = props.entries[i] as AuditEntry;
    const here = props.focused && i === cursor;
    return (
      <Text key={e.seq} wrap="truncate" {...attrs(theme, { inverse: here })}>
        {here ? `${glyph(theme, 'pointer')}` : ' '}
        {/* One deployment's timeline is narrower: time of day, and no deployment column. */}
        <Text {...attrs(theme, { dim: true })}>{compact ? e.ts.slice(11, 19) : `${String(e.seq).padStart(6)} ${e.ts.slice(5, 19).replace('T', ' ')}`}</Text>{' '}
        <Text {...attrs(theme, { color: ACTOR_COLOR[e.actor.kind] ?? 'white' })}>{fit(`${e.actor.kind}:${sanitize(e.actor.id, 20)}`, compact ? 16 : 20, ell)}</Text> {fit(sanitize(e.event, 22), compact ? 18 : 20, ell)}{' '}
        {compact ? '' : `${fitTail(sanitize(e.deploymentId ?? '-'), 12, ell)} `}
        {summary(e)}
      </Text>
    );
  };
  return (
    <Pane title={props.title ?? 'Audit trail (newest last)'} focused={props.focused} height={props.height} width={props.width} theme={theme}>
      {props.entries.length === 0 ? <Text {...attrs(theme, { dim: true })}>  nothing recorded yet</Text> : null}
      {fitLines({ count: props.entries.length, line }, contentRows(props.height), theme, { fromEnd: true, offset: props.offset, what: 'entries', ...(compact ? {} : { older: olderThan(props.entries) }) })}
    </Pane>
  );
}
