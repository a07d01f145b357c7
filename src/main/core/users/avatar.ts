import { AppError } from '../../../shared/contract/result'
import { AVATAR_MAX_BYTES } from '../../../shared/contract/users'

/** Decoded size of a base64 data URL, without decoding it. */
export function dataUrlBytes(dataUrl: string): number {
  const b64 = dataUrl.slice(dataUrl.indexOf(',') + 1)
  const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0
  return Math.floor((b64.length * 3) / 4) - padding
}

/** The renderer resizes pictures on a canvas; the core still refuses anything over 256 KB. */
export function checkAvatar(avatar: string | null | undefined): void {
  if (!avatar) return
  const bytes = dataUrlBytes(avatar)
  if (bytes > AVATAR_MAX_BYTES) {
    throw new AppError('LIMIT', `The picture is ${Math.ceil(bytes / 1024)} KB after resizing; at most 256 KB is accepted.`, { bytes, limit: AVATAR_MAX_BYTES })
  }
}
