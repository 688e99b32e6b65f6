// `genops-tui key create [--name NAME] [--out FILE]`: an Ed25519 key pair for signing audit checkpoints.
// FILE (mode 0600) holds the signer key, FILE.pub the verifier key that others use to check checkpoints.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { formatSignerKey, formatVerifierKey, generateSignerKey, NoteError } from '../domain/signed-note.js';
import type { CommandIo } from './io.js';
import { UsageError } from './io.js';

export const DEFAULT_KEY_FILE = 'data/audit-signing.key';
export const DEFAULT_KEY_NAME = 'genops-tui/audit';

export async function keyCommand(sub: string | undefined, flags: { name?: string; out?: string; json: boolean }, io: CommandIo): Promise<number> {
  if (sub !== 'create') throw new UsageError('key needs a subcommand: create [--name NAME] [--out FILE]');
  const out = flags.out ?? DEFAULT_KEY_FILE;
  const pub = `${out}.pub`;
  for (const file of [out, pub]) if (existsSync(file)) throw new UsageError(`${file} exists: a signing key is never overwritten (choose another --out)`);
  let key;
  try {
    key = generateSignerKey(flags.name ?? DEFAULT_KEY_NAME);
  } catch (error) {
    if (error instanceof NoteError) throw new UsageError(`--name: ${error.message}`);
    throw error;
  }
  mkdirSync(dirname(out), { recursive: true });
  // 'wx': fail rather than replace a file that appeared meanwhile; the mode applies as the file is created.
  writeFileSync(out, `${formatSignerKey(key)}\n`, { mode: 0o600, flag: 'wx' });
  writeFileSync(pub, `${formatVerifierKey(key)}\n`, { mode: 0o644, flag: 'wx' });
  const verifier = formatVerifierKey(key);
  if (flags.json) io.out(JSON.stringify({ name: key.name, keyId: key.id.toString(16).padStart(8, '0'), verifierKey: verifier, privateKeyFile: out, publicKeyFile: pub }));
  else io.out(`signing key ${out} (mode 0600); give others the verifier key in ${pub}:\n${verifier}`);
  return 0;
}
