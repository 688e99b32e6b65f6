// Real genops-tui processes (the built CLI) for integration tests.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(process.cwd(), 'dist', 'source', 'cli.js');

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(args: string[], timeoutMs = 60_000): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Bytes, joined once: a multi-byte character split across two chunks must not become two U+FFFD.
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => stdout.push(d));
    child.stderr.on('data', (d: Buffer) => stderr.push(d));
    const text = (chunks: Buffer[]): string => Buffer.concat(chunks).toString('utf8');
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out: ${args.join(' ')}\n${text(stdout)}\n${text(stderr)}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: text(stdout), stderr: text(stderr) });
    });
  });
}

/** Starts a long-running process and resolves once its output contains `ready`. */
export function startUntil(args: string[], ready: string, timeoutMs = 20_000): Promise<{ child: ChildProcessWithoutNullStreams; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args]);
    let out = '';
    const timer = setTimeout(() => reject(new Error(`not ready: ${args.join(' ')}\n${out}`)), timeoutMs);
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (out.includes(ready)) {
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
}

/** Resolves with the exit code, also when the process had already exited before this was called. */
export const exited = (child: { exitCode: number | null; signalCode: NodeJS.Signals | null; once(e: 'exit', f: (code: number | null) => void): void }): Promise<number | null> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve(child.exitCode) : new Promise((r) => child.once('exit', r));

/** Polls `pred` every 25 ms; fails after `timeoutMs`, showing what `shows` returns (the screen, a state). */
export async function waitFor(pred: () => boolean, options: { timeoutMs?: number; shows?: () => string } = {}): Promise<void> {
  const { timeoutMs = 20_000, shows = () => 'condition not met' } = options;
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > timeoutMs) throw new Error(`not in time: ${shows()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
