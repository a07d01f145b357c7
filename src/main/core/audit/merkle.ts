import { createHash } from 'node:crypto'

/** RFC 9162 §2.1.1 hashing: leaves SHA-256(0x00‖data), interior nodes SHA-256(0x01‖left‖right). */
const LEAF_PREFIX = Buffer.from([0])
const NODE_PREFIX = Buffer.from([1])
export const HASH_BYTES = 32

export function leafHash(data: string | Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest()
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest()
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
