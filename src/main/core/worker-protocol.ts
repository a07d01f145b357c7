import type { ContractError, Result } from '../../shared/contract/result'
import type { ConnectionMeta, CoreEvent } from './host'

export type ToWorker =
  | { type: 'connect'; id: number; meta: ConnectionMeta }
  | { type: 'disconnect'; id: number; connectionId: string }
  | { type: 'call'; id: number; connectionId: string; channel: string; input: unknown }
  | { type: 'close'; id: number }

export type FromWorker =
  | { type: 'ready' }
  | { type: 'open-error'; error: ContractError }
  | { type: 'reply'; id: number; value: string | Result<unknown> | null }
  | { type: 'event'; event: CoreEvent }
