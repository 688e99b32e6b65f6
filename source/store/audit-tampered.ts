// The stored audit trail contradicts itself in a way only tampering explains (entries deleted under the stored
// Merkle tree, stored subtrees removed). Appends stop with this one-line error instead of rebuilding over it:
// what is gone is for `audit verify --checkpoint` against a checkpoint published before to name.
export class AuditTampered extends Error {
  constructor(what: string) {
    super(`tampering detected: ${what}; nothing was written and the tree is not rebuilt over it (compare with a published checkpoint: genops-tui audit verify --checkpoint FILE --key PUBKEY)`);
    this.name = 'AuditTampered';
  }
}
