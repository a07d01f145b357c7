/** Saves text as a file through the browser's download (web host) or Electron's save flow. */
export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.rel = 'noopener'
  document.body.append(link)
  link.click()
  link.remove()
  // The click has started the download synchronously; give the browser a moment before revoking.
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
