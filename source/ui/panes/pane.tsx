// A bordered pane with a title; the focused one is marked by a symbol as well as colour. `Lines` fills it
// with one-row lines and, when they do not all fit, says how many were cut instead of dropping them silently.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { Theme } from '../theme.js';
import { attrs, glyph } from '../theme.js';

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
      flexShrink={0}
      overflow="hidden"
    >
      <Text {...attrs(theme, { bold: true })} wrap="truncate">
        {props.focused ? `${glyph(theme, 'focus')} ` : '  '}
        {props.title}
      </Text>
      {props.children}
    </Box>
  );
}

/** Rows available for content in a pane of `height` (border and title take three). */
export const contentRows = (height: number): number => Math.max(0, height - 3);

/** Lines given as a count and a way to draw one: only the lines on screen are drawn (a 200-entry tail). */
export interface LazyLines {
  count: number;
  line: (i: number) => ReactNode;
}

/**
 * The lines that fit in `rows`, from `offset` lines back from the end when `fromEnd`; a line saying what is
 * cut replaces the last (or first) one when they do not all fit.
 */
export function fitLines(given: readonly ReactNode[] | LazyLines, rows: number, theme: Theme, opts: { fromEnd?: boolean; offset?: number; what?: string; scrolls?: boolean; older?: { count: number; note: (scrolls: boolean) => string } } = {}): ReactNode[] {
  const lazy: LazyLines = Array.isArray(given) ? { count: given.length, line: (i) => given[i] } : (given as LazyLines);
  const range = (from: number, to: number): ReactNode[] => Array.from({ length: Math.max(0, to - from) }, (_, k) => lazy.line(from + k));
  const total = lazy.count;
  if (rows <= 0) return [];
  const older = opts.fromEnd ? Math.max(0, opts.older?.count ?? 0) : 0;
  if (total <= rows && older === 0) return range(0, total);
  const what = opts.what ?? 'lines';
  const note = (n: number, where: string, why?: string) => (
    <Text key={`cut-${where}`} wrap="truncate" {...attrs(theme, { dim: true })}>
      {'  '}
      {glyph(theme, 'ellipsis')} {n} more {what}{' '}
      {/* A view that scrolls names the key that brings the cut lines in (a dialog taller than the screen). */}
      {opts.scrolls ? `${where === 'above' ? 'above ' : ''}(${glyph(theme, where === 'above' ? 'up' : 'down')})` : `${where} (${why ?? `enlarge the terminal${opts.fromEnd ? ', or scroll with j/k' : ''}`})`}
    </Text>
  );
  if (!opts.fromEnd) {
    // From the top, `offset` lines down: the line at the offset stays in view, with notes for what is cut.
    const first = Math.min(Math.max(0, opts.offset ?? 0), total - 1);
    const above = first > 0 ? 1 : 0;
    const start = Math.max(0, first - above);
    const room = rows - above;
    const below = total - start - above > room ? 1 : 0;
    const end = Math.min(total, start + above + room - below);
    return [...(above ? [note(start + above, 'above')] : []), ...range(start + above, end), ...(below ? [note(total - end, 'cut below')] : [])];
  }
  // Scrolled: `offset` lines back from the newest; a note for what lies above and below the window.
  // The line under the cursor (`offset` back from the newest) is the last one shown above the "below" note.
  // Lines `older` than the ones given (a tail of a longer trail) count as above too: the note says the whole.
  const offset = Math.min(Math.max(0, opts.offset ?? 0), Math.max(0, total - 1));
  const end = total - offset;
  const below = end < total;
  const room = rows - (below ? 1 : 0);
  const above = older > 0 || end > room;
  const start = Math.max(0, end - (room - (above ? 1 : 0)));
  const why = older > 0 ? opts.older?.note(start > 0) : undefined;
  return [...(above ? [note(start + older, 'above', why)] : []), ...range(start, end), ...(below ? [note(total - end, 'below')] : [])];
}
