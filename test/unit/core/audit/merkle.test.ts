import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { consistencyProof, EMPTY_ROOT, HASH_BYTES, leafHash, MerkleFrontier, merkleTreeHash, nodeHash, subtreeSource, verifyConsistency } from '../../../../src/main/core/audit/merkle'

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')

// The Certificate Transparency test tree (RFC 6962 reference implementation, merkle_tree_test.cc).
const CT_LEAF_DATA = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'))
const CT_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'
]

describe('RFC 9162 / 6962 hashing', () => {
  it('hashes the empty leaf to SHA-256(0x00)', () => {
    expect(hex(leafHash(''))).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d')
    expect(hex(leafHash(new Uint8Array()))).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d')
  })

  it('prefixes leaves with 0x00 and interior nodes with 0x01', () => {
    const data = Buffer.from('gatehouse')
    expect(leafHash(data).equals(createHash('sha256').update(Buffer.concat([Buffer.from([0]), data])).digest())).toBe(true)
    const [a, b] = [leafHash('a'), leafHash('b')]
    expect(nodeHash(a, b).equals(createHash('sha256').update(Buffer.concat([Buffer.from([1]), a, b])).digest())).toBe(true)
    // The prefixes keep a leaf from passing for a node (second-preimage resistance).
    expect(leafHash(Buffer.concat([a, b])).equals(nodeHash(a, b))).toBe(false)
  })

  it('gives the empty tree the hash of the empty string', () => {
    expect(hex(EMPTY_ROOT)).toBe(CT_ROOTS[0])
    expect(hex(MerkleFrontier.empty().root())).toBe(CT_ROOTS[0])
  })

  it('matches the published roots of the CT test tree for sizes 0..8, both ways', () => {
    const leaves = CT_LEAF_DATA.map((d) => leafHash(d))
    const frontier = MerkleFrontier.empty()
    expect(hex(merkleTreeHash([]))).toBe(CT_ROOTS[0])
    for (let n = 1; n <= leaves.length; n++) {
      frontier.append(leaves[n - 1]!)
      expect(hex(merkleTreeHash(leaves.slice(0, n))), `reference, size ${n}`).toBe(CT_ROOTS[n])
      expect(hex(frontier.root()), `frontier, size ${n}`).toBe(CT_ROOTS[n])
    }
  })
})

describe('MerkleFrontier', () => {
  const leaves = Array.from({ length: 70 }, (_, i) => leafHash(`event ${i}`))

  it('has the root of the reference definition at every size 0..70', () => {
    const frontier = MerkleFrontier.empty()
    expect(frontier.root().equals(merkleTreeHash([]))).toBe(true)
    for (let n = 1; n <= leaves.length; n++) {
      frontier.append(leaves[n - 1]!)
      expect(frontier.size).toBe(n)
      expect(hex(frontier.root()), `size ${n}`).toBe(hex(merkleTreeHash(leaves.slice(0, n))))
    }
  })

  it('keeps one node per set bit of the size, and survives encode/decode at every size', () => {
    let frontier = MerkleFrontier.empty()
    for (let n = 1; n <= leaves.length; n++) {
      frontier.append(leaves[n - 1]!)
      const bytes = frontier.encode()
      expect(bytes.length).toBe(HASH_BYTES * n.toString(2).replaceAll('0', '').length)
      frontier = MerkleFrontier.decode(n, bytes)
      expect(frontier.size).toBe(n)
      // Decoded, it goes on growing exactly as the original would have.
      expect(hex(frontier.root()), `size ${n}`).toBe(hex(merkleTreeHash(leaves.slice(0, n))))
    }
    expect(MerkleFrontier.decode(0, Buffer.alloc(0)).root().equals(EMPTY_ROOT)).toBe(true)
  })

  it('refuses a frontier whose node count does not match the size', () => {
    const frontier = MerkleFrontier.empty()
    for (const leaf of leaves.slice(0, 5)) frontier.append(leaf)
    // Size 5 keeps two nodes (101b); 7 needs three, 4 needs one.
    expect(() => MerkleFrontier.decode(7, frontier.encode())).toThrow(/does not match tree size 7/)
    expect(() => MerkleFrontier.decode(4, frontier.encode())).toThrow(/does not match/)
    // A cut-off node is refused too, even when the node count would still add up.
    expect(() => MerkleFrontier.decode(5, frontier.encode().subarray(0, 48))).toThrow(/does not match/)
  })

  it('clones independently', () => {
    const a = MerkleFrontier.empty()
    a.append(leaves[0]!)
    const b = a.clone()
    b.append(leaves[1]!)
    expect(a.size).toBe(1)
    expect(a.root().equals(leaves[0]!)).toBe(true)
    expect(b.root().equals(merkleTreeHash(leaves.slice(0, 2)))).toBe(true)
  })

  it('agrees with the reference for any leaves and any split into encode/decode sessions', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 140 }), fc.array(fc.nat(140), { maxLength: 6 }), (data, cuts) => {
        const hashes = data.map((d) => leafHash(d))
        let frontier = MerkleFrontier.empty()
        hashes.forEach((h, i) => {
          if (cuts.includes(i)) frontier = MerkleFrontier.decode(frontier.size, frontier.encode())
          frontier.append(h)
        })
        return frontier.root().equals(merkleTreeHash(hashes))
      }),
      { numRuns: 200 }
    )
  })
})

// The consistency proofs published with the CT test tree (merkle_tree_test.cc, also in transparency-dev/merkle).
const CT_CONSISTENCY: Array<[number, number, string[]]> = [
  [1, 1, []],
  [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
  [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
  [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']]
]

describe('RFC 9162 consistency proofs', () => {
  const ct = CT_LEAF_DATA.map((d) => leafHash(d))
  const fromLeaves = (leaves: readonly Buffer[]) => (lo: number, hi: number) => merkleTreeHash(leaves.slice(lo, hi))
  const frontierOf = (leaves: readonly Buffer[]) => {
    const f = MerkleFrontier.empty()
    for (const leaf of leaves) f.append(leaf)
    return f
  }
  const root = (n: number) => Buffer.from(CT_ROOTS[n]!, 'hex')

  it('gives and accepts the published proofs of the CT test tree', () => {
    for (const [m, n, expected] of CT_CONSISTENCY) {
      const proof = consistencyProof(m, n, fromLeaves(ct.slice(0, n)))
      expect(proof.map(hex), `${m} -> ${n}`).toEqual(expected)
      // The same nodes from the old tree's frontier and the appended leaves alone.
      expect(consistencyProof(m, n, subtreeSource(frontierOf(ct.slice(0, m)), ct.slice(m, n))).map(hex)).toEqual(expected)
      expect(verifyConsistency(m, n, proof, root(m), root(n)), `${m} -> ${n}`).toBe(true)
    }
  })

  it('refuses a proof with a changed node, a wrong root, another old size, or one node too few or many', () => {
    for (const [m, n, expected] of CT_CONSISTENCY.filter(([m, n]) => m < n)) {
      const proof = expected.map((h) => Buffer.from(h, 'hex'))
      for (let i = 0; i < proof.length; i++) {
        const bad = proof.map((p) => Buffer.from(p))
        bad[i]![0]! ^= 1
        expect(verifyConsistency(m, n, bad, root(m), root(n)), `node ${i} of ${m} -> ${n}`).toBe(false)
      }
      expect(verifyConsistency(m, n, proof, root(m - 1 || 2), root(n))).toBe(false)
      expect(verifyConsistency(m, n, proof, root(m), root(n - 1))).toBe(false)
      expect(verifyConsistency(m + 1, n, proof, root(m), root(n))).toBe(false)
      // (A size is not bound by the proof alone: the signed head binds each size to its root.)
      expect(verifyConsistency(m, n, proof.slice(1), root(m), root(n))).toBe(false)
      expect(verifyConsistency(m, n, [...proof, proof[0]!], root(m), root(n))).toBe(false)
    }
    expect(verifyConsistency(0, 1, [], EMPTY_ROOT, root(1))).toBe(false)
    expect(verifyConsistency(3, 2, [], root(3), root(2))).toBe(false)
    expect(() => consistencyProof(0, 4, fromLeaves(ct))).toThrow(/No consistency proof/)
  })

  it('for any sizes m <= n: the proof from the frontier equals the one from all leaves, proves the reference roots, and no other old root', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 300 }), (m, extra) => {
        const n = m + extra
        const leaves = Array.from({ length: n }, (_, i) => leafHash(`event ${i}`))
        const proof = consistencyProof(m, n, subtreeSource(frontierOf(leaves.slice(0, m)), leaves.slice(m)))
        expect(proof.map(hex)).toEqual(consistencyProof(m, n, fromLeaves(leaves)).map(hex))
        const [oldRoot, newRoot] = [merkleTreeHash(leaves.slice(0, m)), merkleTreeHash(leaves)]
        expect(verifyConsistency(m, n, proof, oldRoot, newRoot)).toBe(true)
        if (m < n) {
          // A rewritten old event changes the old root: the same proof no longer joins the two.
          const rewritten = [...leaves.slice(0, m - 1), leafHash('rewritten')]
          expect(verifyConsistency(m, n, proof, merkleTreeHash(rewritten), newRoot)).toBe(false)
        }
      }),
      { numRuns: 200 }
    )
  })
})
