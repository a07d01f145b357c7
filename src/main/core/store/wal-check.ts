import { existsSync, readFileSync } from 'node:fs'

/**
 * The frames of a SQLite write-ahead log, read before the first read-write open (issue 8).
 * SQLite replays frames up to the first one whose cumulative checksum fails and silently drops
 * the rest, then folds that into the database for good. A torn final write (a crash mid-append)
 * looks the same to SQLite as a damaged frame in the middle; the frames themselves tell them
 * apart: after a damaged frame, later frames still verify when their checksum is seeded from the
 * damaged frame's own stored checksum. Frame headers are not encrypted, so no key is needed.
 * Format: https://www.sqlite.org/fileformat.html#the_write_ahead_log
 */
export interface WalReport {
  frames: number
  /** Frames SQLite will replay (up to the last valid commit). */
  replayed: number
  /** Set when committed frames after a damaged one would be dropped. */
  damage: { frame: number; lostCommits: number } | null
  /** A torn final write (frames after the last valid one that never completed a commit). */
  tornTail: boolean
}

const HEADER = 32
const FRAME_HEADER = 24

function checksum(bytes: Buffer, start: number, end: number, bigEndian: boolean, s: [number, number]): [number, number] {
  let [s0, s1] = s
  for (let i = start; i < end; i += 8) {
    const a = bigEndian ? bytes.readUInt32BE(i) : bytes.readUInt32LE(i)
    const b = bigEndian ? bytes.readUInt32BE(i + 4) : bytes.readUInt32LE(i + 4)
    s0 = (s0 + a + s1) >>> 0
    s1 = (s1 + b + s0) >>> 0
  }
  return [s0, s1]
}

export function inspectWal(file: string): WalReport | null {
  if (!existsSync(file)) return null
  const wal = readFileSync(file)
  if (wal.length < HEADER) return null
  const magic = wal.readUInt32BE(0)
  if (magic !== 0x377f0682 && magic !== 0x377f0683) return null
  const bigEndian = (magic & 1) === 1
  const pageSize = wal.readUInt32BE(8)
  const salt1 = wal.readUInt32BE(16)
  const salt2 = wal.readUInt32BE(20)
  const headerSum = checksum(wal, 0, 24, bigEndian, [0, 0])
  // A WAL whose own header fails is ignored by SQLite as a whole (nothing of it was committed).
  if (headerSum[0] !== wal.readUInt32BE(24) || headerSum[1] !== wal.readUInt32BE(28)) return { frames: 0, replayed: 0, damage: null, tornTail: false }
  const frameSize = FRAME_HEADER + pageSize
  const frames = Math.floor((wal.length - HEADER) / frameSize)
  const stored = (n: number): [number, number] => {
    const at = HEADER + n * frameSize
    return [wal.readUInt32BE(at + 16), wal.readUInt32BE(at + 20)]
  }
  const frameOk = (n: number, seed: [number, number]): boolean => {
    const at = HEADER + n * frameSize
    if (wal.readUInt32BE(at + 8) !== salt1 || wal.readUInt32BE(at + 12) !== salt2) return false
    let sum = checksum(wal, at, at + 8, bigEndian, seed)
    sum = checksum(wal, at + FRAME_HEADER, at + frameSize, bigEndian, sum)
    const [c1, c2] = stored(n)
    return sum[0] === c1 && sum[1] === c2
  }
  const isCommit = (n: number) => wal.readUInt32BE(HEADER + n * frameSize + 4) !== 0
  let seed: [number, number] = headerSum
  let replayed = 0
  let firstBad = -1
  for (let n = 0; n < frames; n++) {
    if (!frameOk(n, seed)) {
      firstBad = n
      break
    }
    seed = stored(n)
    if (isCommit(n)) replayed = n + 1
  }
  if (firstBad < 0) return { frames, replayed, damage: null, tornTail: replayed < frames || (wal.length - HEADER) % frameSize !== 0 }
  // Frames after the bad one that verify on their own (seeded from their predecessor's stored
  // checksum) and carry this WAL's salts were written whole: the bad one was damaged later.
  let lostCommits = 0
  let genuine = false
  for (let n = firstBad + 1; n < frames; n++) {
    if (!frameOk(n, stored(n - 1))) break
    genuine = true
    if (isCommit(n)) lostCommits += 1
  }
  if (isCommit(firstBad) && genuine) lostCommits += 1
  if (genuine && lostCommits > 0) return { frames, replayed, damage: { frame: firstBad + 1, lostCommits }, tornTail: false }
  return { frames, replayed, damage: null, tornTail: true }
}
