// Benchmarks write their figures to committed files: JSON for machines, Markdown for people.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/results in the source tree, whether run from source or from dist/. */
export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', ...(import.meta.url.includes('/dist/') ? ['..'] : []), 'bench', 'results');

export interface BenchRow {
  metric: string;
  value: number;
  unit: string;
  target?: string;
  met?: boolean;
}

export function machine(): Record<string, string | number> {
  const cpu = cpus()[0];
  return { node: process.version, cpu: cpu?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30) };
}

export function writeResults(name: string, command: string, rows: BenchRow[], notes: string[] = []): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const at = new Date().toISOString();
  writeFileSync(join(RESULTS_DIR, `${name}.json`), `${JSON.stringify({ name, command, at, machine: machine(), rows, notes }, null, 2)}\n`);
  const fmt = (v: number): string => (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumSignificantDigits: 4 }));
  const md = [
    `# ${name}`,
    '',
    `Measured ${at} with \`${command}\` on ${machine().cpu} (${machine().cores} cores), Node ${process.version}.`,
    '',
    '| metric | value | unit | target | met |',
    '|---|---:|---|---|---|',
    ...rows.map((r) => `| ${r.metric} | ${fmt(r.value)} | ${r.unit} | ${r.target ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : 'NO'} |`),
    ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : []),
    '',
  ].join('\n');
  writeFileSync(join(RESULTS_DIR, `${name}.md`), md);
  console.log(md);
}
