import { createHash, hash } from 'node:crypto'

/** RFC 9162 §2.1.1 hashing: leaves SHA-256(0x00‖data), interior nodes SHA-256(0x01‖left‖right). */
const LEAF_PREFIX = Buffer.from([0])
export const HASH_BYTES = 32

/**
 * One-shot hashing (crypto.hash): a verify computes two million of these, and a Hash object per
 * call costs more than the SHA-256 of a short input. A string leaf is hashed as its UTF-8 bytes
 * after the 0x00 prefix, which "\0" is in UTF-8.
 */
export function leafHash(data: string | Uint8Array): Buffer {
  if (typeof data === 'string') return hash('sha256', `\0${data}`, 'buffer')
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest()
}

const nodeInput = Buffer.alloc(1 + 2 * HASH_BYTES, 1)

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  // One reused input buffer: the thread is single, and hash() copies nothing out of it later.
  nodeInput.set(left, 1)
  nodeInput.set(right, 1 + HASH_BYTES)
  return hash('sha256', nodeInput, 'buffer')
}

export const EMPTY_ROOT = createHash('sha256').digest()

/**
 * The compact form of an append-only Merkle tree: the roots of its perfect subtrees, largest
 * first (one per set bit of the size). Appending costs O(log n) hashes and the root of the whole
 * tree, as RFC 9162 defines it, is the right-to-left fold of these roots.
 */
export class MerkleFrontier {
  private constructor(
    private nodes: Buffer[],
    private count: number
  ) {}

  static empty(): MerkleFrontier {
    return new MerkleFrontier([], 0)
  }

  /** The nodes of the frontier, largest subtree first (the encoding, split). */
  get subtrees(): readonly Buffer[] {
    return this.nodes
  }

  /**
   * The root of this tree followed by `tail`: the frontier of a run of leaves that starts at this
   * tree's size, which must be a multiple of a power of two larger than every subtree in `tail`
   * (a chunk of a verify: its nodes then simply follow these).
   */
  rootWith(tail: readonly Buffer[]): Buffer {
    const nodes = [...this.nodes, ...tail]
    if (nodes.length === 0) return EMPTY_ROOT
    let root = nodes[nodes.length - 1]!
    for (let i = nodes.length - 2; i >= 0; i--) root = nodeHash(nodes[i]!, root)
    return root
  }

  /**
   * Append a run of `count` leaves given by its own frontier `tail` (see rootWith): a full aligned
   * run of 2^k leaves is one perfect subtree and merges like a leaf one level up; a shorter last run
   * just follows.
   */
  appendRun(tail: readonly Buffer[], count: number): void {
    if (count === 0) return
    const isPerfect = (count & (count - 1)) === 0
    if (isPerfect && tail.length === 1 && this.count % count === 0) {
      let node = tail[0]!
      let size = this.count / count
      while (size & 1) {
        node = nodeHash(this.nodes.pop()!, node)
        size = Math.floor(size / 2)
      }
      this.nodes.push(node)
    } else {
      this.nodes.push(...tail)
    }
    this.count += count
  }

  static decode(size: number, bytes: Uint8Array): MerkleFrontier {
    // A partial trailing node would pass the count check below and corrupt every later root.
    if (bytes.length % HASH_BYTES !== 0) throw new Error(`Ledger frontier does not match tree size ${size}`)
    const nodes: Buffer[] = []
    for (let offset = 0; offset < bytes.length; offset += HASH_BYTES) {
      nodes.push(Buffer.from(bytes.subarray(offset, offset + HASH_BYTES)))
    }
    if (nodes.length !== popcount(size)) throw new Error(`Ledger frontier does not match tree size ${size}`)
    return new MerkleFrontier(nodes, size)
  }

  get size(): number {
    return this.count
  }

  clone(): MerkleFrontier {
    return new MerkleFrontier([...this.nodes], this.count)
  }

  append(leaf: Uint8Array): void {
    let node: Buffer = Buffer.from(leaf)
    let size = this.count
    while (size & 1) {
      node = nodeHash(this.nodes.pop()!, node)
      size = Math.floor(size / 2)
    }
    this.nodes.push(node)
    this.count += 1
  }

  root(): Buffer {
    if (this.nodes.length === 0) return EMPTY_ROOT
    let root = this.nodes[this.nodes.length - 1]!
    for (let i = this.nodes.length - 2; i >= 0; i--) root = nodeHash(this.nodes[i]!, root)
    return root
  }

  encode(): Buffer {
    return Buffer.concat(this.nodes)
  }
}

function popcount(n: number): number {
  let count = 0
  while (n > 0) {
    count += n % 2
    n = Math.floor(n / 2)
  }
  return count
}

/** The reference definition (RFC 9162 §2.1.1 MTH), used by tests to check the frontier. */
export function merkleTreeHash(leaves: readonly Uint8Array[]): Buffer {
  if (leaves.length === 0) return EMPTY_ROOT
  if (leaves.length === 1) return Buffer.from(leaves[0]!)
  let k = 1
  while (k * 2 < leaves.length) k *= 2
  return nodeHash(merkleTreeHash(leaves.slice(0, k)), merkleTreeHash(leaves.slice(k)))
}

/**
 * RFC 9162 §2.1.4.1 PROOF(m, D[n]): the consistency proof between the tree of the first `m`
 * leaves and the tree of `n`. `subtree(lo, hi)` gives MTH(D[lo:hi]); the proof only asks for
 * ranges wholly before `m` (unions of the old tree's frontier) or wholly at or after it.
 */
export function consistencyProof(m: number, n: number, subtree: (lo: number, hi: number) => Buffer): Buffer[] {
  if (!Number.isInteger(m) || !Number.isInteger(n) || m < 1 || m > n) throw new Error(`No consistency proof from size ${m} to size ${n}`)
  const proof: Buffer[] = []
  // SUBPROOF(m, D[lo:hi], b), iteratively: the nodes are pushed leaf side first, as the RFC orders them.
  const walk = (size: number, lo: number, hi: number, complete: boolean): void => {
    if (size === hi - lo) {
      if (!complete) proof.push(subtree(lo, hi))
      return
    }
    let k = 1
    while (k * 2 < hi - lo) k *= 2
    if (size <= k) {
      walk(size, lo, lo + k, complete)
      proof.push(subtree(lo + k, hi))
    } else {
      walk(size - k, lo + k, hi, false)
      proof.push(subtree(lo, lo + k))
    }
  }
  walk(m, 0, n, true)
  return proof
}

/**
 * MTH(D[lo:hi]) for a consistency proof from the old tree's `frontier` (size m) and the leaf hashes
 * appended after it (`appended[i]` is leaf m + i): an old range is a run of the frontier's perfect
 * subtrees, a new range is hashed from its leaves.
 */
export function subtreeSource(frontier: MerkleFrontier, appended: readonly Buffer[]): (lo: number, hi: number) => Buffer {
  const m = frontier.size
  const spans: Array<{ lo: number; hi: number; node: Buffer }> = []
  let start = 0
  let index = 0
  for (let bit = 2 ** Math.floor(Math.log2(Math.max(m, 1))); bit >= 1; bit /= 2) {
    if (Math.floor(m / bit) % 2 === 1) {
      spans.push({ lo: start, hi: start + bit, node: frontier.subtrees[index++]! })
      start += bit
    }
  }
  return (lo, hi) => {
    if (hi <= m) {
      const run = spans.filter((s) => s.lo >= lo && s.hi <= hi)
      if (run.length === 0 || run[0]!.lo !== lo || run.at(-1)!.hi !== hi) throw new Error(`Range ${lo}..${hi} is not made of the old tree's subtrees`)
      let root = run.at(-1)!.node
      for (let i = run.length - 2; i >= 0; i--) root = nodeHash(run[i]!.node, root)
      return root
    }
    if (lo < m || hi - m > appended.length) throw new Error(`Range ${lo}..${hi} spans the old tree's end`)
    return merkleTreeHash(appended.slice(lo - m, hi - m))
  }
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show that the tree of size `m` with root `oldRoot` is a prefix of
 * the tree of size `n` with root `newRoot`?
 */
export function verifyConsistency(m: number, n: number, proof: readonly Uint8Array[], oldRoot: Uint8Array, newRoot: Uint8Array): boolean {
  if (!Number.isInteger(m) || !Number.isInteger(n) || m < 1 || m > n) return false
  const equal = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b))
  if (m === n) return proof.length === 0 && equal(oldRoot, newRoot)
  if (proof.length === 0) return false
  // (Not m & (m - 1): bitwise operators cut to 32 bits.)
  const path = Number.isInteger(Math.log2(m)) ? [oldRoot, ...proof] : [...proof]
  let fn = m - 1
  let sn = n - 1
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  let fr: Buffer = Buffer.from(path[0]!)
  let sr: Buffer = Buffer.from(path[0]!)
  for (const c of path.slice(1)) {
    if (sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr)
      sr = nodeHash(c, sr)
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2)
          sn = Math.floor(sn / 2)
        }
      }
    } else {
      sr = nodeHash(sr, c)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  return sn === 0 && equal(fr, oldRoot) && equal(sr, newRoot)
}
