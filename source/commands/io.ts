// What a command may touch: two output streams. Tests pass their own.
import { sanitize } from '../domain/sanitize.js';
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

/** The reader of our output went away (`genops-tui audit export | head`): stop writing, quietly. */
export class BrokenPipe extends Error {}

let stdoutClosed = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') stdoutClosed = true;
  else throw error;
});

// A gate whose terminal went away (SIGHUP) must still withdraw its request: a failed write to stderr is dropped.
process.stderr.on('error', () => undefined);

export const processIo: CommandIo = {
  out: (text) => {
    if (stdoutClosed || process.stdout.destroyed) throw new BrokenPipe();
    process.stdout.write(`${text}\n`);
  },
  // Error messages quote input (file names, keys of a bad line, ids): every line is made terminal-safe here, so
  // no error path can forget it. (Colour is only ever written to stdout.)
  err: (text) => process.stderr.write(`${text.split('\n').map((line) => sanitize(line, 10_000)).join('\n')}\n`),
};

/** Wrong or missing flags: exit code 2 with the usage hint. */
export class UsageError extends Error {}
