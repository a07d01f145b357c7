import type { z } from 'zod'
import type { ChannelAccess } from '../permissions'
import type { Topic } from './topics'

export interface ChannelDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I
  output: O
  /** What the caller's session must hold for the core to run the handler. */
  access: ChannelAccess
  /** True when the channel changes state (the core audits it and emits `data:changed`). */
  mutates: boolean
  /** Topics the core publishes to the account's other sessions after the transaction commits (mutating channels only). */
  invalidates?: readonly Topic[]
  /** The caller's own connection is not told (it refreshes what it shows itself). */
  exceptCaller?: boolean
  /**
   * Heavy work (imports, exports): the core runs a few at once, one per connection, and refuses
   * more with LIMIT, so one caller's file never stalls everyone else (core/jobs/jobs.ts).
   */
  heavy?: boolean
}

export function channel<I extends z.ZodType, O extends z.ZodType>(def: ChannelDef<I, O>): ChannelDef<I, O> {
  return def
}
