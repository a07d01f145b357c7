import type { KeySource } from '../host'
import type { Store } from './port'
import { openPostgresStore } from './postgres-store'
import { openSqliteStore } from './sqlite-store'

export interface StoreChoice {
  dataDir: string
  /** A postgres:// URL; absent: the encrypted SQLite file in the data folder. */
  store?: string
  keySource: KeySource
  create?: boolean
  nativeBinding?: string
  acceptLoss?: boolean
}

/** The store an option or `GATEHOUSE_STORE` names, or by default the encrypted file in the data folder. */
export async function openChosenStore(choice: StoreChoice): Promise<Store> {
  if (choice.store) return openPostgresStore(choice.store, choice.keySource, { create: choice.create })
  return openSqliteStore(choice.dataDir, choice.keySource, { create: choice.create, nativeBinding: choice.nativeBinding, acceptLoss: choice.acceptLoss })
}
