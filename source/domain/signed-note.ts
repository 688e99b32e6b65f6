// Signed checkpoints in the C2SP formats: signed-note (c2sp.org/signed-note) with Ed25519 (signature type
// 0x01), carrying a tlog-checkpoint body (c2sp.org/tlog-checkpoint): origin, tree size, base64 root hash.
//   key ID       = SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key)[:4], big-endian
//   verifier key = <name>+<key ID, 8 hex digits>+<base64(0x01 ‖ public key)>
//   signer key   = PRIVATE+KEY+<name>+<key ID>+<base64(0x01 ‖ 32-byte seed)>
//   note         = text (ending in \n) ‖ \n ‖ "— <name> <base64(key ID ‖ signature over text)>\n" …
import * as crypto from 'node:crypto';

const ED25519 = 0x01;
const EM_DASH = '\u2014';

export interface VerifierKey {
  name: string;
  id: number;
  publicKey: Buffer;
}

export interface SignerKey extends VerifierKey {
  seed: Buffer;
}

export class NoteError extends Error {}

/** Key names: non-empty, no Unicode spaces, no '+'. */
export function checkKeyName(name: string): void {
  if (name.length === 0 || /[\s+]/u.test(name) || /[\u0000-\u001f]/u.test(name)) {
    throw new NoteError(`key name "${name}" must be non-empty, without spaces or "+"`);
  }
}

export function keyId(name: string, publicKey: Buffer): number {
  const digest = crypto.createHash('sha256').update(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([ED25519]), publicKey])).digest();
  return digest.readUInt32BE(0);
}

const hex8 = (id: number): string => id.toString(16).padStart(8, '0');
const b64url = (b: Buffer): string => b.toString('base64url');

/** A new Ed25519 key pair under `name`. */
export function generateSignerKey(name: string): SignerKey {
  checkKeyName(name);
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d as string, 'base64url');
  const publicKey = Buffer.from(jwk.x as string, 'base64url');
  return { name, id: keyId(name, publicKey), publicKey, seed };
}

export const formatVerifierKey = (k: VerifierKey): string => `${k.name}+${hex8(k.id)}+${Buffer.concat([Buffer.from([ED25519]), k.publicKey]).toString('base64')}`;
export const formatSignerKey = (k: SignerKey): string => `PRIVATE+KEY+${k.name}+${hex8(k.id)}+${Buffer.concat([Buffer.from([ED25519]), k.seed]).toString('base64')}`;

function parseKeyParts(name: string, idHex: string, encoded: string, what: string): { name: string; id: number; key: Buffer } {
  checkKeyName(name);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new NoteError(`${what}: key ID "${idHex}" must be 8 lowercase hex digits`);
  const raw = Buffer.from(encoded, 'base64');
  if (raw.toString('base64') !== encoded || raw.length !== 33 || raw[0] !== ED25519) throw new NoteError(`${what}: the key must be base64 of 0x01 and 32 bytes (Ed25519)`);
  return { name, id: Number.parseInt(idHex, 16), key: raw.subarray(1) };
}

/** Splits at the first `count - 1` plus signs: base64 key material may itself contain '+'. */
function splitPlus(text: string, count: number): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (parts.length < count - 1) {
    const at = rest.indexOf('+');
    if (at < 0) break;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  parts.push(rest);
  return parts;
}

export function parseVerifierKey(text: string): VerifierKey {
  const parts = splitPlus(text, 3);
  if (parts.length !== 3) throw new NoteError('verifier key must read <name>+<key ID>+<base64 key>');
  const { name, id, key } = parseKeyParts(parts[0] as string, parts[1] as string, parts[2] as string, 'verifier key');
  if (keyId(name, key) !== id) throw new NoteError(`verifier key: key ID ${hex8(id)} does not match the name and key`);
  return { name, id, publicKey: key };
}

export function parseSignerKey(text: string): SignerKey {
  const parts = splitPlus(text, 5);
  if (parts.length !== 5 || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') throw new NoteError('signer key must read PRIVATE+KEY+<name>+<key ID>+<base64 key>');
  const { name, id, key: seed } = parseKeyParts(parts[2] as string, parts[3] as string, parts[4] as string, 'signer key');
  const publicKey = Buffer.from(privateKeyOf(seed).export({ format: 'jwk' }).x as string, 'base64url');
  if (keyId(name, publicKey) !== id) throw new NoteError(`signer key: key ID ${hex8(id)} does not match the name and key`);
  return { name, id, publicKey, seed };
}

function privateKeyOf(seed: Buffer): crypto.KeyObject {
  // A JWK needs the public half too; derive it from the seed through PKCS#8 (RFC 8410 prefix + 32-byte seed).
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return crypto.createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
}

const publicKeyOf = (k: VerifierKey): crypto.KeyObject => crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(k.publicKey) }, format: 'jwk' });

function checkNoteText(text: string): void {
  if (!text.endsWith('\n')) throw new NoteError('note text must end with a newline');
  if (/[\u0000-\u0009\u000b-\u001f]/u.test(text)) throw new NoteError('note text must not contain control characters other than newline');
}

/** The note: text, a blank line, one signature line by `key`. */
export function signNote(text: string, key: SignerKey): string {
  checkNoteText(text);
  const signature = crypto.sign(null, Buffer.from(text, 'utf8'), privateKeyOf(key.seed));
  const id = Buffer.alloc(4);
  id.writeUInt32BE(key.id);
  return `${text}\n${EM_DASH} ${key.name} ${Buffer.concat([id, signature]).toString('base64')}\n`;
}

export type OpenedNote = { ok: true; text: string } | { ok: false; reason: string };

/**
 * The note's text if `key` signed it. Signatures by other keys (name or ID differ) are ignored, as the spec
 * asks; a signature by this key that fails rejects the note.
 */
export function openNote(note: string, key: VerifierKey): OpenedNote {
  if (note.includes('\uFFFD')) return { ok: false, reason: 'the note is not valid UTF-8' };
  if (!note.endsWith('\n')) return { ok: false, reason: 'the note does not end with a newline' };
  const split = note.lastIndexOf('\n\n');
  if (split < 0) return { ok: false, reason: 'the note has no blank line before its signatures' };
  const text = note.slice(0, split + 1);
  try {
    checkNoteText(text);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length > 16) return { ok: false, reason: 'the note has more than 16 signatures' };
  let verified = false;
  for (const line of lines) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/u.exec(line);
    if (!m) return { ok: false, reason: `malformed signature line "${line.slice(0, 80)}"` };
    const raw = Buffer.from(m[2] as string, 'base64');
    if (raw.length < 5) return { ok: false, reason: 'a signature is too short' };
    if (m[1] !== key.name || raw.readUInt32BE(0) !== key.id) continue;
    if (raw.length !== 4 + 64 || !crypto.verify(null, Buffer.from(text, 'utf8'), publicKeyOf(key), raw.subarray(4))) {
      return { ok: false, reason: `the signature by ${key.name} (key ID ${hex8(key.id)}) does not verify: the text was altered or another key signed it` };
    }
    verified = true;
  }
  return verified ? { ok: true, text } : { ok: false, reason: `no signature by ${key.name} (key ID ${hex8(key.id)})` };
}

export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
  /** Extension lines after the root, kept verbatim. */
  extensions: string[];
}

export function formatCheckpoint(c: Checkpoint): string {
  if (c.origin.length === 0 || c.origin.includes('\n')) throw new NoteError('checkpoint origin must be one non-empty line');
  if (!Number.isSafeInteger(c.size) || c.size < 0) throw new NoteError('checkpoint size must be a non-negative integer');
  if (c.root.length !== 32) throw new NoteError('checkpoint root must be 32 bytes');
  return [c.origin, String(c.size), c.root.toString('base64'), ...c.extensions].map((l) => `${l}\n`).join('');
}

/** The body of a checkpoint note; `field` names the line that is wrong. */
export function parseCheckpoint(text: string): Checkpoint {
  const lines = text.split('\n');
  if (lines.pop() !== '' || lines.length < 3) throw new NoteError('checkpoint: needs origin, tree size and root hash lines, each ending in a newline');
  const [origin, size, root, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin.length === 0) throw new NoteError('checkpoint line 1 (origin): empty');
  if (!/^(0|[1-9][0-9]*)$/.test(size) || !Number.isSafeInteger(Number(size))) throw new NoteError(`checkpoint line 2 (tree size): "${size.slice(0, 40)}" is not a decimal integer`);
  const rootBytes = Buffer.from(root, 'base64');
  if (rootBytes.length !== 32 || rootBytes.toString('base64') !== root) throw new NoteError('checkpoint line 3 (root hash): not base64 of 32 bytes');
  if (extensions.some((l) => l.length === 0)) throw new NoteError('checkpoint: empty extension line');
  return { origin, size: Number(size), root: rootBytes, extensions };
}
