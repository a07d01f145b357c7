import type { z } from 'zod'
import type { ChannelAccess } from '../permissions'

export interface ChannelDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I
  output: O
  /** What the caller's session must hold for the core to run the handler. */
  access: ChannelAccess
  /** True when the channel changes state (the core audits it and emits `data:changed`). */
  mutates: boolean
}

export function channel<I extends z.ZodType, O extends z.ZodType>(def: ChannelDef<I, O>): ChannelDef<I, O> {
  return def
}
