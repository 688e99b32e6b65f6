#!/usr/bin/env python3
"""Independent verifier of a genops-tui audit export (Python 3 standard library only).

    python3 tools/verify_audit.py EXPORT.ndjson [--checkpoint NOTE] [--inclusion PROOF.json ...]
                                               [--consistency PROOF.json ...]

EXPORT.ndjson is `genops-tui audit export --json`; NOTE a checkpoint from `genops-tui audit checkpoint`;
PROOF.json the output of `genops-tui audit prove` or `audit consistency`. Written from the README's
"Export format" section, not from the TypeScript code. It checks:
  - every line: base64 `canonical` decodes to the bytes whose SHA-256(prevHash || bytes) is `hash`; seq runs
    1, 2, 3 ...; each prevHash is the previous line's hash (32 zero bytes first); the fields shown equal the
    JSON the canonical bytes hold;
  - the checkpoint's root hash equals the RFC 9162 Merkle root of the first `size` entries;
  - inclusion and consistency proofs verify (RFC 9162 2.1.3.2 and 2.1.4.2) against roots recomputed here.
It does NOT check the checkpoint's Ed25519 signature: Ed25519 is not in Python's standard library. Check
that with `genops-tui audit verify --checkpoint NOTE --key PUBKEY`, or any C2SP signed-note implementation.
Exit 0 when everything checks, 1 on the first failure (named), 2 on bad usage.
"""
import base64
import hashlib
import json
import sys

GENESIS = bytes(32)
FIELDS = ("seq", "ts", "actor", "event", "deploymentId", "payload")


class Failure(Exception):
    pass


def sha256(data):
    return hashlib.sha256(data).digest()


def leaf_hash(data):
    return sha256(b"\x00" + data)


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


def mth(leaves):
    """RFC 9162 2.1.1 Merkle Tree Hash, straight from the definition."""
    n = len(leaves)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def verify_inclusion(index, size, leaf, proof, root):
    """RFC 9162 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(size1, size2, proof, root1, root2):
    """RFC 9162 2.1.4.2."""
    if size1 > size2:
        return False
    if size1 == 0:
        return not proof
    if size1 == size2:
        return not proof and root1 == root2
    if not proof:
        return False
    if size1 & (size1 - 1) == 0:
        proof = [root1] + proof
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == root1 and sr == root2 and sn == 0


def read_export(path):
    leaves = []
    prev = GENESIS
    with open(path, "r", encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            where = "%s:%d" % (path, number)
            row = json.loads(line)
            data = base64.b64decode(row["canonical"], validate=True)
            if row["seq"] != number:
                raise Failure("%s: seq %r, expected %d" % (where, row["seq"], number))
            if bytes.fromhex(row["prevHash"]) != prev:
                raise Failure("%s: prevHash is not the hash of seq %d" % (where, number - 1))
            if sha256(prev + data).hex() != row["hash"]:
                raise Failure("%s: SHA-256(prevHash || canonical) differs from hash" % where)
            decoded = json.loads(data.decode("utf-8"))
            for field in FIELDS:
                if decoded.get(field) != row.get(field):
                    raise Failure("%s: field %s differs from the canonical bytes" % (where, field))
            leaves.append(leaf_hash(data))
            prev = bytes.fromhex(row["hash"])
    return leaves


def read_checkpoint(path):
    with open(path, "r", encoding="utf-8") as f:
        note = f.read()
    split = note.rfind("\n\n")
    if split < 0:
        raise Failure("%s: no blank line before the signatures" % path)
    lines = note[: split + 1].split("\n")
    if len(lines) < 4:
        raise Failure("%s: a checkpoint needs origin, size and root hash lines" % path)
    origin, size, root = lines[0], int(lines[1]), base64.b64decode(lines[2], validate=True)
    return origin, size, root


def root_of(leaves, size, what):
    if size > len(leaves):
        raise Failure("%s: tree size %d, but the export has only %d entries (truncated?)" % (what, size, len(leaves)))
    return mth(leaves[:size])


def main(argv):
    if not argv or argv[0].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    export, rest = argv[0], argv[1:]
    checkpoints, inclusions, consistencies = [], [], []
    targets = {"--checkpoint": checkpoints, "--inclusion": inclusions, "--consistency": consistencies}
    while rest:
        if len(rest) < 2 or rest[0] not in targets:
            print("unknown or incomplete option: %s" % rest[0], file=sys.stderr)
            return 2
        targets[rest[0]].append(rest[1])
        rest = rest[2:]
    try:
        leaves = read_export(export)
        print("export: %d entries, hash chain intact" % len(leaves))
        for path in checkpoints:
            origin, size, root = read_checkpoint(path)
            if root_of(leaves, size, path) != root:
                raise Failure("%s: the first %d entries do not hash to the checkpoint's root (rewritten or forked)" % (path, size))
            print("checkpoint %s: origin %s, size %d, root matches (signature NOT checked: no Ed25519 in the stdlib)" % (path, origin, size))
        for path in inclusions:
            with open(path, "r", encoding="utf-8") as f:
                p = json.load(f)
            index, size = p["leafIndex"], p["treeSize"]
            if index != p["seq"] - 1 or index >= len(leaves):
                raise Failure("%s: leaf index %d is not an entry of the export" % (path, index))
            root = root_of(leaves, size, path)
            proof = [bytes.fromhex(h) for h in p["proof"]]
            if bytes.fromhex(p["rootHash"]) != root or not verify_inclusion(index, size, leaves[index], proof, root):
                raise Failure("%s: inclusion proof of seq %d in %d entries does not verify" % (path, p["seq"], size))
            print("inclusion %s: seq %d in a tree of %d, verified" % (path, p["seq"], size))
        for path in consistencies:
            with open(path, "r", encoding="utf-8") as f:
                p = json.load(f)
            old, new = p["oldSize"], p["newSize"]
            root1, root2 = root_of(leaves, old, path), root_of(leaves, new, path)
            proof = [bytes.fromhex(h) for h in p["proof"]]
            if bytes.fromhex(p["oldRoot"]) != root1 or bytes.fromhex(p["newRoot"]) != root2 or not verify_consistency(old, new, proof, root1, root2):
                raise Failure("%s: consistency proof %d -> %d does not verify" % (path, old, new))
            print("consistency %s: %d -> %d, verified" % (path, old, new))
    except Failure as failure:
        print("FAILED: %s" % failure, file=sys.stderr)
        return 1
    except (ValueError, KeyError, TypeError) as error:
        print("FAILED: malformed input: %r" % (error,), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
