/** meow's parser reads a lone "-" as a positional argument; "--request -" means stdin, so join it to its flag. */
export function joinDashValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (const arg of argv) {
    const prev = out[out.length - 1];
    if (arg === '-' && prev?.startsWith('--') && !prev.includes('=')) out[out.length - 1] = `${prev}=-`;
    else out.push(arg);
  }
  return out;
}
