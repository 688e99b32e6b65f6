// The README's first command with no terminal (piped, CI): the bundled replay runs to its end and a plain
// summary is printed, every outcome counted, the newest ten listed and the rest said, not silently dropped.
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/processes.js';

describe('console without a terminal', () => {
  it('prints the replay summary: counts that add up, the newest ten, how many more, and the chain verified', async () => {
    const r = await run([]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    const total = Number(/replayed (\d+) deployments instead/.exec(lines[0] ?? '')?.[1]);
    const counts = [...(lines[1] ?? '').matchAll(/(\d+)/g)].map((m) => Number(m[1]));
    expect(counts).toHaveLength(8);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(total);
    expect(lines.filter((l) => /^ {2}\S/.test(l) && !l.includes('…'))).toHaveLength(Math.min(10, total));
    if (total > 10) expect(r.stdout).toContain(`… ${total - 10} older not shown (the newest 10 above)`);
    expect(lines.at(-1)).toMatch(/^audit trail intact: \d+ entries$/);
  });
});
