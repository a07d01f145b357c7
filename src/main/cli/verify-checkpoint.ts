import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { z } from 'zod'
import { AppError } from '../../shared/contract/result'
import type { VerifyCheckpoint } from '../core/audit/verify'

const FORMAT = 'gatehouse-verify-checkpoint'
const hex32 = z.string().regex(/^[0-9a-f]{64}$/)
const time = z.number().int().nonnegative()

const checkpointFile = z
  .object({
    format: z.literal(FORMAT),
    v: z.literal(1),
    size: z.number().int().positive(),
    root: hex32,
    frontier: z.base64(),
    signedAt: time,
    /** When each mode last passed (ms since the epoch; null until it has). */
    lastFull: time.nullable(),
    lastIncremental: time.nullable()
  })
  .strict()
export type CheckpointFile = z.infer<typeof checkpointFile>

/**
 * Where the last passing `audit verify` stopped, kept in a file the administrator chooses: the next
 * `audit verify --incremental` starts from it. The file is no secret and needs no trust of its own:
 * the verify accepts it only when its frontier gives the root of the signed head of that size.
 */
export function readCheckpoint(path: string): { checkpoint: VerifyCheckpoint; file: CheckpointFile } {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    throw new AppError('NOT_FOUND', `There is no verify checkpoint at ${path}: run a full "gatehouse audit verify --checkpoint ${path}" first.`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  const parsed = checkpointFile.safeParse(json)
  if (!parsed.success) throw new AppError('VALIDATION', `${path} is not a Gatehouse verify checkpoint (it is not the JSON a verify writes); nothing was checked.`)
  const file = parsed.data
  return { file, checkpoint: { size: file.size, root: Buffer.from(file.root, 'hex'), frontier: Buffer.from(file.frontier, 'base64'), signedAt: file.signedAt } }
}

/** Write the checkpoint beside its old copy, then move it in place: a crash leaves the old one whole. */
export function writeCheckpoint(path: string, checkpoint: VerifyCheckpoint, passed: { lastFull: number | null; lastIncremental: number | null }): void {
  const file: CheckpointFile = {
    format: FORMAT,
    v: 1,
    size: checkpoint.size,
    root: checkpoint.root.toString('hex'),
    frontier: checkpoint.frontier.toString('base64'),
    signedAt: checkpoint.signedAt,
    ...passed
  }
  writeFileSync(`${path}.tmp`, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 })
  renameSync(`${path}.tmp`, path)
}
