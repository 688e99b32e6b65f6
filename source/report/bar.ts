// A horizontal bar for a value in [0, 1].
export function bar(value: number, width: number, ascii = false): string {
  const v = Math.min(1, Math.max(0, value));
  const filled = Math.round(v * width);
  return (ascii ? '#' : '█').repeat(filled) + (ascii ? '.' : '░').repeat(width - filled);
}
