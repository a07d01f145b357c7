import { randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
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
 * `audit verify --incremental` starts from it. It is no secret, but it is what the incremental run
 * trusts: it is accepted only when its frontier gives the root of a signed head of that size, yet
 * whoever can write it can move it to a later signed head and so skip events never checked. Keep it
 * where the store's users cannot write.
 */
export function readCheckpoint(path: string): { checkpoint: VerifyCheckpoint; file: CheckpointFile } {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AppError('NOT_FOUND', `There is no verify checkpoint at ${path}: run a full "gatehouse audit verify --checkpoint ${path}" first.`)
    }
    throw new AppError('VALIDATION', `The verify checkpoint ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); nothing was checked.`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  const parsed = checkpointFile.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = json === undefined ? 'it is not JSON' : `${issue?.path.length ? `its field "${issue.path.join('.')}"` : 'its content'} is not what a verify writes`
    throw new AppError('VALIDATION', `${path} is not a Gatehouse verify checkpoint (${where}); nothing was checked.`)
  }
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
  // A name of its own per run (two runs at once never share one), flushed before it replaces the old file.
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  const fd = openSync(temporary, 'wx', 0o600)
  try {
    writeFileSync(fd, `${JSON.stringify(file, null, 2)}\n`)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(temporary, path)
}
