import { fail, type Result } from '../../shared/contract/result'
import { parseCall } from '../../shared/contract/validate'
import type { ChannelName } from '../../shared/contract'

/**
 * The WebSocket frames at /ipc, all JSON text:
 *   request  {"id":1,"channel":"users:list","input":{...}}
 *   reply    {"id":1,"result":<Result envelope>}
 *   push     {"event":"session:ended","payload":{...}}
 * A frame that cannot be matched to a request id is answered with `"id": null`.
 */
export type RequestId = number | string

export interface ReplyFrame {
  id: RequestId | null
  result: Result<unknown>
}

export interface PushFrame {
  event: string
  payload: unknown
}

export const MAX_ID_LENGTH = 128

export type DecodedFrame =
  | { kind: 'call'; id: RequestId; channel: ChannelName; input: unknown }
  | { kind: 'reject'; reply: ReplyFrame }

function isRequestId(value: unknown): value is RequestId {
  return (typeof value === 'number' && Number.isSafeInteger(value)) || (typeof value === 'string' && value.length <= MAX_ID_LENGTH)
}

/**
 * Checks the frame's shape, then runs the same `parseCall` gate as Electron IPC, so an unknown
 * channel or invalid input never reaches the core.
 */
export function decodeFrame(text: string): DecodedFrame {
  let frame: unknown
  try {
    frame = JSON.parse(text)
  } catch {
    return { kind: 'reject', reply: { id: null, result: fail('VALIDATION', 'A frame must be JSON.') } }
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
    return { kind: 'reject', reply: { id: null, result: fail('VALIDATION', 'A frame must be a JSON object.') } }
  }
  const { id, channel, input } = frame as Record<string, unknown>
  if (!isRequestId(id)) {
    return {
      kind: 'reject',
      reply: { id: null, result: fail('VALIDATION', `A request needs an "id": a safe integer or a string of at most ${MAX_ID_LENGTH} characters.`) }
    }
  }
  const parsed = parseCall(channel, input)
  if (!parsed.ok) return { kind: 'reject', reply: { id, result: parsed } }
  return { kind: 'call', id, channel: parsed.value.channel, input: parsed.value.input }
}
