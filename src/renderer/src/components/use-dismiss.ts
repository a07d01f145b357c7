import { useCallback, useEffect, useRef, type RefObject } from 'react'

/** The grid's roving tab stop: where focus goes back to when the panel that was beside it closes. */
function gridTabStop(): HTMLElement | null {
  return document.querySelector<HTMLElement>('[role="grid"] [role="row"][tabindex="0"]')
}

/**
 * A side panel (user, team, audit event) closes on Escape, wherever focus is on the screen, unless
 * a modal dialog is open (the dialog takes that Escape) or a control already used it (the search box
 * clearing its text). Returns the close function for the panel's close button as well: focus that
 * was inside the panel goes back to where it came from (the row that opened it), never to <body>.
 */
export function useDismiss(panel: RefObject<HTMLElement | null>, onClose: () => void): () => void {
  const opener = useRef<HTMLElement | null>(null)
  const latestClose = useRef(onClose)
  useEffect(() => {
    latestClose.current = onClose
  })

  const dismiss = useCallback(() => {
    const active = document.activeElement
    const lost = active === null || active === document.body || (panel.current?.contains(active) ?? false)
    if (lost) {
      const back = opener.current?.isConnected ? opener.current : gridTabStop()
      back?.focus({ preventScroll: true })
    }
    latestClose.current()
  }, [panel])

  useEffect(() => {
    const active = document.activeElement
    if (active instanceof HTMLElement && active !== document.body && !panel.current?.contains(active)) opener.current = active
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.key !== 'Escape' || event.defaultPrevented) return
      if (document.querySelector('dialog[open]')) return
      event.preventDefault()
      dismiss()
    }
    document.addEventListener('keydown', onKeyDown)
    return () => document.removeEventListener('keydown', onKeyDown)
  }, [panel, dismiss])

  return dismiss
}
