// A bordered pane with a title; the focused one is highlighted.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { Theme } from '../theme.js';

export function Pane(props: { title: string; focused?: boolean; width?: number | string; height?: number; theme: Theme; children: ReactNode; grow?: boolean }) {
  const { theme } = props;
  return (
    <Box
      flexDirection="column"
      borderStyle={theme.ascii ? 'classic' : 'single'}
      {...(theme.color ? { borderColor: props.focused ? 'cyan' : 'gray' } : {})}
      {...(props.width !== undefined ? { width: props.width } : {})}
      {...(props.height !== undefined ? { height: props.height } : {})}
      {...(props.grow ? { flexGrow: 1 } : {})}
      overflow="hidden"
    >
      <Text bold wrap="truncate">
        {props.focused ? (theme.ascii ? '> ' : '▸ ') : '  '}
        {props.title}
      </Text>
      {props.children}
    </Box>
  );
}
