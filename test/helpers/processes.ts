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
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out: ${args.join(' ')}\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
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
