import { fail, type Result } from './result'
import { channels, isChannelName, type ChannelName, type ParsedInputOf } from './index'

/**
 * The gate every transport runs before the core sees a call: the channel must be listed and the
 * input must satisfy its schema. Pure zod, so main, web host and tests share it.
 */
export function parseCall(
  channelName: unknown,
  input: unknown
): Result<{ channel: ChannelName; input: ParsedInputOf<ChannelName> }> {
  if (!isChannelName(channelName)) {
    return fail('VALIDATION', `Unknown channel: ${String(channelName).slice(0, 80)}`)
  }
  const parsed = channels[channelName].input.safeParse(input)
  if (!parsed.success) {
    // Clipped: an error must not echo a caller's 10,000-character key back at full length.
    const clip = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text)
    const issues = parsed.error.issues.slice(0, 20).map((i) => ({ path: clip(i.path.join('.')), message: clip(i.message) }))
    const first = issues[0]
    const where = first && first.path ? `${first.path}: ` : ''
    return fail('VALIDATION', `Invalid input for ${channelName}: ${where}${first?.message ?? 'invalid'}`, { issues })
  }
  return { ok: true, value: { channel: channelName, input: parsed.data as ParsedInputOf<ChannelName> } }
}
