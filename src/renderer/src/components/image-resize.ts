import { t } from '../i18n/i18n'
import { AVATAR_MAX_BYTES } from '../../../shared/contract/users'

// Avatars travel with every users-list row: 128 px (shown at most 64 CSS px, so sharp at 2×) keeps a
// page of 100 rows small; the core's 256 KB limit is only the ceiling.
const MAX_SIDE = [128, 96, 64]

function decodedBytes(dataUrl: string): number {
  const base64 = dataUrl.slice(dataUrl.indexOf(',') + 1)
  return Math.floor((base64.length * 3) / 4)
}

/**
 * Shrinks a picture in a canvas to at most 128 px a side, as PNG (or JPEG if smaller than the
 * limit only that way), never over the core's 256 KB limit.
 */
export async function resizeAvatar(file: File): Promise<string> {
  if (!file.type.startsWith('image/')) throw new Error(t('picture.notImage'))
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(file)
  } catch {
    throw new Error(t('picture.unreadable'))
  }
  try {
    for (const side of MAX_SIDE) {
      const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height))
      const canvas = document.createElement('canvas')
      canvas.width = Math.max(1, Math.round(bitmap.width * scale))
      canvas.height = Math.max(1, Math.round(bitmap.height * scale))
      const context = canvas.getContext('2d')
      if (!context) throw new Error(t('picture.cannotDraw'))
      context.drawImage(bitmap, 0, 0, canvas.width, canvas.height)
      for (const [type, quality] of [['image/png', undefined], ['image/jpeg', 0.85]] as const) {
        const url = canvas.toDataURL(type, quality)
        if (decodedBytes(url) <= AVATAR_MAX_BYTES) return url
      }
    }
  } finally {
    bitmap.close()
  }
  throw new Error(t('picture.tooLarge'))
}
