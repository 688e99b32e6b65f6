// The header of meters (mode, engine, what needs a human, canaries failing, audit head) and the bottom line
// (the last message, then the keys that apply now).
import { Box, Text } from 'ink';
import { fit, wrap } from './text.js';
import type { DeploymentView } from '../engine/deployment-view.js';
import { sanitize } from '../domain/sanitize.js';
import type { Liveness, PendingDecision } from './console-model.js';
import { age, countdown } from './deployment-list.js';
import type { Theme } from './theme.js';
import { attrs, glyph, NEEDS_HUMAN } from './theme.js';

export interface Meters {
  awaiting: number;
  oldestAwaitingMs: number | undefined;
  needsHuman: number;
  failing: number;
  inCanary: number;
}

const FAILING_VERDICTS = new Set(['Fail', 'Error', 'Inconclusive']);

export function meters(ds: readonly DeploymentView[]): Meters {
  let awaiting = 0;
  let oldest: number | undefined;
  let needsHuman = 0;
  let failing = 0;
  let inCanary = 0;
  for (const d of ds) {
    if (d.outcome !== null && d.state !== 'rollback_failed') continue; // finished: nothing to watch
    if (NEEDS_HUMAN.has(d.state)) needsHuman += 1;
    if (d.state === 'awaiting_approval') {
      awaiting += 1;
      oldest = Math.min(oldest ?? d.updatedAtMs, d.updatedAtMs);
    }
    if (d.state === 'canary' || d.state === 'paused') inCanary += 1;
    if (d.state === 'rolling_back' || d.state === 'rollback_failed' || ((d.state === 'canary' || d.state === 'paused') && FAILING_VERDICTS.has(d.stages.at(-1)?.verdict ?? ''))) failing += 1;
  }
  return { awaiting, oldestAwaitingMs: oldest, needsHuman, failing, inCanary };
}

export function Header(props: {
  mode: string;
  autonomy: string;
  readonly: boolean;
  operator: string;
  now: number;
  meters: Meters;
  liveness: Liveness | undefined;
  pending: readonly PendingDecision[];
  /** The audit chain's head: its seq and the first hex digits of its hash. */
  auditHead: { seq: number; hash: string } | undefined;
  progress: string;
  quarantined: number;
  filter: string;
  theme: Theme;
}) {
  const { theme, meters: m } = props;
  const dot = ` ${glyph(theme, 'dot')} `;
  const live = props.liveness;
  const detail = live?.detail ? ` (${sanitize(live.detail, 60)})` : '';
  const engine = live
    ? live.state === 'alive'
      ? <Text {...attrs(theme, { color: 'green' })}>engine {theme.ascii ? 'ok' : '●'} alive {live.ageMs === undefined ? '' : `${(live.ageMs / 1000).toFixed(1)}s`}{detail}</Text>
      : <Text {...attrs(theme, { color: 'red', bold: true })}>engine {live.state === 'stale' ? `STALE ${age(live.ageMs ?? 0)}` : 'GONE'} {glyph(theme, 'warn')}{detail}</Text>
    : null;
  const p = props.pending[0];
  // Most urgent first: at 80 columns the end of this line is cut.
  return (
    <Text wrap="truncate">
      <Text {...attrs(theme, { inverse: true, bold: true })}>{theme.color ? ` ${props.mode} ` : `[${props.mode}]`}</Text>
      {props.readonly ? <Text {...attrs(theme, { inverse: true, color: 'yellow' })}>{theme.color ? ' READ-ONLY ' : ' [READ-ONLY]'}</Text> : null}
      {engine ? <>{dot}{engine}</> : null}
      {dot}
      <Text {...attrs(theme, { color: m.awaiting ? 'yellow' : undefined, bold: m.awaiting > 0 })}>
        {m.awaiting} awaiting{m.oldestAwaitingMs !== undefined ? ` (oldest ${age(props.now - m.oldestAwaitingMs)})` : ''}
      </Text>
      {dot}
      <Text {...attrs(theme, { color: m.failing ? 'red' : undefined, bold: m.failing > 0 })}>{m.failing} failing</Text>
      {p ? (
        <>
          {dot}
          <Text {...attrs(theme, { color: 'yellow' })}>
            {props.pending.length} pending: {p.action} {sanitize(p.id, 24)} {p.queued ? 'queued' : 'sent'} {age(Date.now() - p.sentAt)} ago
            {p.deadline !== undefined ? `, refused if not applied by ${new Date(p.deadline).toISOString().slice(11, 19)}Z (${countdown(p.deadline - Date.now())})` : ''}
          </Text>
        </>
      ) : null}
      {dot}
      <Text {...attrs(theme, { color: 'cyan' })}>{m.inCanary} canary</Text>
      {props.progress ? `${dot}${props.progress}` : ''}
      {props.auditHead !== undefined ? `${dot}audit #${props.auditHead.seq} ${props.auditHead.hash.slice(0, 8)}` : ''}
      {dot}
      {new Date(props.now).toISOString().slice(0, 16).replace('T', ' ')}Z {props.autonomy}
      {props.quarantined > 0 ? <Text {...attrs(theme, { color: 'yellow' })}>{dot}{glyph(theme, 'warn')} {props.quarantined} quarantined (genops-tui quarantine list)</Text> : null}
      {props.filter ? `${dot}filter "${sanitize(props.filter, 20)}"` : ''}
      {dot}as {sanitize(props.operator, 20)}
    </Text>
  );
}

/** The status message as drawn, wrapped at `width` (the App sizes the body from this same count). */
export function messageLines(message: { text: string; error: boolean } | undefined, theme: Theme, width: number): string[] {
  const text = message ? `${message.error && !theme.color ? '! ' : ''}${sanitize(message.text, 600)}` : '';
  return wrap(text, width - 2);
}

export function HintLine(props: { message: { text: string; error: boolean } | undefined; hints: readonly string[]; theme: Theme; width: number }) {
  const { theme } = props;
  const lines = messageLines(props.message, theme, props.width);
  if (props.message && lines.length > 1) {
    // Too long for one line: the message alone, wrapped on up to three (the keys come back with the next key);
    // longer still, the third ends in an ellipsis rather than stopping as if the message had.
    const shown = lines.length > 3 ? [...lines.slice(0, 2), fit(`${lines[2] ?? ''} ${lines[3] ?? ''}`, props.width - 2, glyph(theme, 'ellipsis')).trimEnd()] : lines;
    return (
      <Box flexDirection="column">
        {shown.map((l, i) => (
          <Text key={i} wrap="truncate" {...attrs(theme, { color: props.message?.error ? 'red' : 'green' })}>
            {l}
          </Text>
        ))}
      </Box>
    );
  }
  return (
    <Text wrap="truncate">
      {props.message ? (
        <Text {...attrs(theme, { color: props.message.error ? 'red' : 'green' })}>
          {props.message.error && !theme.color ? '! ' : ''}
          {sanitize(props.message.text, 300)}
          {` ${glyph(theme, 'dot')} `}
        </Text>
      ) : null}
      <Text {...attrs(theme, { dim: true })}>{props.hints.join('  ')}</Text>
    </Text>
  );
}
