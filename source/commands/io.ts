// What a command may touch: two output streams. Tests pass their own.
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CommandIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/** Wrong or missing flags: exit code 2 with the usage hint. */
export class UsageError extends Error {}
