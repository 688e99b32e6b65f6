// C2SP signed notes with Ed25519 and tlog checkpoints: the Go reference example (golang.org/x/mod/sumdb/note)
// byte for byte, and the probes that must fail: wrong key, altered text, altered signature, malformed input.
import { describe, expect, it } from 'vitest';
import {
  formatCheckpoint,
  formatSignerKey,
  formatVerifierKey,
  generateSignerKey,
  keyId,
  NoteError,
  openNote,
  parseCheckpoint,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from '../../source/domain/signed-note.js';

const VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const NOTE = `${TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

describe('signed notes (C2SP signed-note, Ed25519)', () => {
  it('reproduces the reference key ID, key encodings and signed note byte for byte', () => {
    const signer = parseSignerKey(SKEY);
    const verifier = parseVerifierKey(VKEY);
    expect(verifier.id.toString(16)).toBe('c74f20a3');
    expect(keyId('PeterNeumann', verifier.publicKey)).toBe(0xc74f20a3);
    expect(signer.publicKey).toEqual(verifier.publicKey);
    expect(formatVerifierKey(signer)).toBe(VKEY);
    expect(formatSignerKey(signer)).toBe(SKEY);
    expect(signNote(TEXT, signer)).toBe(NOTE);
    expect(openNote(NOTE, verifier)).toEqual({ ok: true, text: TEXT });
  });

  it('a generated key signs notes its verifier key opens', () => {
    const k = generateSignerKey('genops.example/audit');
    const note = signNote('hello\n', k);
    expect(openNote(note, parseVerifierKey(formatVerifierKey(k)))).toEqual({ ok: true, text: 'hello\n' });
    expect(parseSignerKey(formatSignerKey(k))).toEqual(k);
  });

  it('rejects a note under the wrong key, with altered text or an altered signature', () => {
    const other = generateSignerKey('PeterNeumann');
    const verifier = parseVerifierKey(VKEY);
    // Same name, other key: the key IDs differ, so there is no signature by this key.
    expect(openNote(NOTE, parseVerifierKey(formatVerifierKey(other)))).toMatchObject({ ok: false, reason: expect.stringContaining('no signature by PeterNeumann') });
    const altered = NOTE.replace('cryptography', 'cryptographY');
    expect(openNote(altered, verifier)).toMatchObject({ ok: false, reason: expect.stringContaining('does not verify') });
    const sig = NOTE.lastIndexOf(' ') + 10;
    const badSig = NOTE.slice(0, sig) + (NOTE[sig] === 'A' ? 'B' : 'A') + NOTE.slice(sig + 1);
    expect(openNote(badSig, verifier).ok).toBe(false);
    // A signature by the same name and ID but another key (a forged line) fails, it is not ignored.
    const forged = signNote(TEXT, { ...other, name: 'PeterNeumann', id: verifier.id });
    expect(openNote(forged, verifier)).toMatchObject({ ok: false, reason: expect.stringContaining('does not verify') });
    for (const bad of [NOTE.slice(0, -1), TEXT, NOTE.replace('\n\n', '\n'), NOTE.replace('\u2014', '-'), NOTE.replace('problem,', 'problem,\t')]) {
      expect(openNote(bad, verifier).ok, JSON.stringify(bad)).toBe(false);
    }
    // Signatures by unknown keys are ignored; the known one still counts.
    const cosigned = `${NOTE}${signNote(TEXT, other).slice(TEXT.length + 1)}`;
    expect(openNote(cosigned, verifier)).toEqual({ ok: true, text: TEXT });
  });

  it('refuses malformed keys, naming what is wrong', () => {
    expect(() => parseVerifierKey('PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toThrow(/does not match/);
    expect(() => parseVerifierKey('Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toThrow(NoteError);
    expect(() => parseVerifierKey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10')).toThrow(/Ed25519/);
    expect(() => parseVerifierKey(SKEY)).toThrow(NoteError);
    expect(() => parseSignerKey(VKEY)).toThrow(/PRIVATE\+KEY/);
  });
});

describe('checkpoints (C2SP tlog-checkpoint)', () => {
  const root = Buffer.from('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328', 'hex');
  it('round-trips origin, size, root and extension lines', () => {
    const text = formatCheckpoint({ origin: 'genops.example/audit', size: 8, root, extensions: [] });
    expect(text).toBe('genops.example/audit\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n');
    expect(parseCheckpoint(text)).toEqual({ origin: 'genops.example/audit', size: 8, root, extensions: [] });
    expect(parseCheckpoint(`${text}ext one\n`).extensions).toEqual(['ext one']);
  });

  it('names the bad line', () => {
    expect(() => parseCheckpoint('o\n08\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n')).toThrow(/line 2/);
    expect(() => parseCheckpoint('o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQy=\n')).toThrow(/line 3/);
    expect(() => parseCheckpoint('o\n8\n')).toThrow(/needs origin/);
    expect(() => parseCheckpoint('o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=')).toThrow(/newline/);
  });
});
