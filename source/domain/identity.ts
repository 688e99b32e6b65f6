// Identities as people type them: "Alice", " alice " and "ALICE" are one person, so the four-eyes rule
// (a requester may not approve their own deployment) compares them case-, space- and width-insensitively.

export function identityKey(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/gu, ' ').toLocaleLowerCase('en-US');
}

export const sameIdentity = (a: string, b: string): boolean => identityKey(a) === identityKey(b);
