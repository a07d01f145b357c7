/** Window bounds as kept in the preferences file between runs. */
export interface SavedBounds {
  x: number
  y: number
  width: number
  height: number
  maximized: boolean
}

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export const MIN_WIDTH = 900
export const MIN_HEIGHT = 600
export const DEFAULT_WIDTH = 1280
export const DEFAULT_HEIGHT = 820
// At least this much of the title bar must land on a screen, or the user could not grab it.
const VISIBLE_MARGIN = 80

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

/** The preferences file is user-editable JSON: accept only a well-formed record. */
export function readSavedBounds(value: unknown): SavedBounds | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const v = value as Record<string, unknown>
  if (![v.x, v.y, v.width, v.height].every(isFiniteNumber)) return undefined
  return {
    x: Math.round(v.x as number),
    y: Math.round(v.y as number),
    width: Math.round(v.width as number),
    height: Math.round(v.height as number),
    maximized: v.maximized === true
  }
}

/**
 * Where to put the window: the saved bounds if enough of them is on one of today's screens
 * (a monitor may have been unplugged since), clamped to the minimum size; otherwise nothing,
 * and Electron centres a default-sized window.
 */
export function fitBounds(saved: SavedBounds | undefined, workAreas: readonly Rect[]): SavedBounds | undefined {
  if (!saved) return undefined
  const width = Math.max(saved.width, MIN_WIDTH)
  const height = Math.max(saved.height, MIN_HEIGHT)
  const visible = workAreas.some((area) => {
    const overlapX = Math.min(saved.x + width, area.x + area.width) - Math.max(saved.x, area.x)
    // The top edge (the title bar) itself must be on this screen, not just some of the window.
    const topOnScreen = saved.y >= area.y && saved.y <= area.y + area.height - VISIBLE_MARGIN
    return overlapX >= VISIBLE_MARGIN && topOnScreen
  })
  return visible ? { ...saved, width, height } : undefined
}
