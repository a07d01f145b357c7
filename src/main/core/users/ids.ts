import { randomBytes } from 'node:crypto'
import type { Clock } from '../clock'

let lastMs = 0
let sequence = 0

/**
 * A UUIDv7-style id (RFC 9562): 48 bits of the clock's milliseconds, then random bits, with a
 * counter inside one millisecond. Ids made in one import sort together, so inserting 10,000 people
 * appends to the primary-key indexes instead of touching 10,000 random pages of them.
 */
export function timeOrderedId(clock: Clock): string {
  let now = Math.max(clock.now(), lastMs)
  sequence = now === lastMs ? sequence + 1 : 0
  // More than 4,096 ids in one millisecond (a stopped test clock): borrow the next millisecond.
  if (sequence > 0xfff) {
    now += 1
    sequence = 0
  }
  lastMs = now
  const bytes = randomBytes(16)
  bytes.writeUIntBE(now, 0, 6)
  // Version 7 and a 12-bit counter in rand_a; variant 10 in rand_b.
  bytes[6] = 0x70 | ((sequence >> 8) & 0x0f)
  bytes[7] = sequence & 0xff
  bytes[8] = 0x80 | (bytes[8]! & 0x3f)
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
