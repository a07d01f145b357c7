import type { Command } from 'commander'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { AppError } from '../../shared/contract/result'
import type { Core } from '../core/core'
import type { KeySource } from '../core/host'
import { openCore } from '../core/in-process'
import { databasePath } from '../core/store/connection'
import { redactUrl } from '../core/store/postgres-store'
import { defaultDataDir } from '../paths'
import { resolvePassphrase } from './prompt'

/** Where a command works: the data folder, and the store (a postgres:// URL, or the encrypted file in the folder). */
export interface StoreTarget {
  dataDir: string
  /** A postgres:// URL from --store or GATEHOUSE_STORE; undefined: the SQLite file in `dataDir`. */
  store?: string
}

export function targetOf(command: Command): StoreTarget {
  const opts = command.optsWithGlobals<{ dataDir?: string; store?: string }>()
  const dataDir = resolve(opts.dataDir ?? defaultDataDir(process.platform, process.env, process.env.HOME ?? ''))
  const store = opts.store ?? (process.env.GATEHOUSE_STORE || undefined)
  return { dataDir, store }
}

/** Where the data lives, for messages (never the URL's password). */
export function describeTarget(target: StoreTarget): string {
  return target.store ? redactUrl(target.store) : target.dataDir
}

/** Whether the SQLite file exists (a PostgreSQL store answers for itself when opened). */
export function fileStoreExists(target: StoreTarget): boolean {
  return target.store !== undefined || existsSync(databasePath(target.dataDir))
}

/** Refuse before asking for a passphrase when there is no SQLite store in the folder. */
export function requireStore(target: StoreTarget, hint = '; run "gatehouse init" first'): void {
  if (!fileStoreExists(target)) throw new AppError('NOT_FOUND', `No Gatehouse store in ${target.dataDir}${hint}.`)
}

export async function keySourceFor(target: StoreTarget, creating: boolean): Promise<KeySource> {
  const confirm = creating && (target.store ? true : !existsSync(databasePath(target.dataDir)))
  return { kind: 'passphrase', passphrase: await resolvePassphrase(confirm) }
}

/** Open the existing store in this process for one command (a writing core), and always close it. */
export async function withCore<T>(command: Command, fn: (core: Core) => Promise<T> | T): Promise<T> {
  const target = targetOf(command)
  requireStore(target)
  const core = await openCore({ ...target, keySource: await keySourceFor(target, false), tickMs: 0, create: false })
  try {
    return await fn(core)
  } finally {
    await core.close()
  }
}
