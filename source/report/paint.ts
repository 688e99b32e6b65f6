// Minimal ANSI styling that honours NO_COLOR, --no-color and non-TTY output.
export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan' | 'magenta';
const CODES: Record<Style, [number, number]> = {
  bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], cyan: [36, 39], magenta: [35, 39],
};

export type Paint = (style: Style, text: string) => string;

export function makePaint(enabled: boolean): Paint {
  return enabled ? (style, text) => `\u001b[${CODES[style][0]}m${text}\u001b[${CODES[style][1]}m` : (_style, text) => text;
}

export function colourWanted(stream: { isTTY?: boolean }, noColorFlag = false): boolean {
  if (noColorFlag) return false;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR === '0') return false;
  return Boolean(stream.isTTY);
}
