import { Box, Text } from 'ink';
import type { Dialog } from './ui-state.js';
import { BINDINGS } from './keymap.js';
import type { Theme } from './theme.js';
import { sanitize } from '../domain/sanitize.js';

function Frame(props: { title: string; theme: Theme; children: React.ReactNode; width: number; height?: number }) {
  return (
    <Box
      flexDirection="column"
      borderStyle={props.theme.ascii ? 'classic' : 'double'}
      {...(props.theme.color ? { borderColor: 'yellow' } : {})}
      paddingX={1}
      width={props.width}
      {...(props.height ? { height: props.height } : {})}
      flexShrink={0}
    >
      <Text bold wrap="truncate">{props.title}</Text>
      {props.children}
    </Box>
  );
}

const choice = (label: string, on: boolean) => <Text inverse={on}>{` ${label} `}</Text>;

/** A risky action's confirmation: Cancel or the action, the current choice shown inverted. */
function Confirm(props: { title: string; note: string; yes: string; onYes: boolean; theme: Theme; width: number }) {
  return (
    <Frame title={props.title} theme={props.theme} width={props.width} height={6}>
      <Text wrap="truncate">{props.note}</Text>
      <Text wrap="truncate">←/→ or Tab to choose, Enter to confirm, Esc to cancel.</Text>
      <Text>
        {choice('Cancel', !props.onYes)} {choice(props.yes, props.onYes)}
      </Text>
    </Frame>
  );
}

export function DialogView(props: { dialog: Dialog; theme: Theme; width: number; readonly: boolean; subject?: string }) {
  const { dialog: d, theme } = props;
  const width = Math.min(props.width, 76);
  switch (d.kind) {
    case 'help':
      return (
        <Frame title="Keys (Esc or ? closes)" theme={theme} width={width}>
          {BINDINGS.map((b) => (
            <Text key={b.id} wrap="truncate">
              {b.keys.padEnd(8)} {b.description}
              {b.decides && props.readonly ? ' (read-only: disabled)' : ''}
            </Text>
          ))}
        </Frame>
      );
    case 'filter':
      return (
        <Frame title="Filter (Enter applies, Esc clears)" theme={theme} width={width} height={4}>
          <Text wrap="truncate">/{sanitize(d.text)}{theme.ascii ? '_' : '▏'}</Text>
        </Frame>
      );
    case 'confirmApprove':
      return <Confirm title={`Approve ${sanitize(d.id)}? ${props.subject ?? ''}`} note="High risk: check the risk pane first." yes="Approve" onYes={d.choice !== 'cancel'} theme={theme} width={width} />;
    case 'confirmAbort':
      return <Confirm title={`Abort ${sanitize(d.id)} and roll back?`} note="Traffic returns to the current version." yes="Abort" onYes={d.choice !== 'cancel'} theme={theme} width={width} />;
    case 'rejectReason':
      return (
        <Frame title={`Reject ${sanitize(d.id)}: reason (Enter submits, Esc cancels)`} theme={theme} width={width} height={6}>
          <Text wrap="truncate">
            {'> '}
            {sanitize(d.text)}
            {theme.ascii ? '_' : '▏'}
          </Text>
          <Text dimColor>{d.text.trim() === '' ? 'a reason is required' : ' '}</Text>
        </Frame>
      );
    default:
      return null;
  }
}
