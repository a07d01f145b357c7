import type { Locator } from '@playwright/test'

/**
 * Files dropped on `target` as the OS would deliver them from a file manager: dragenter, dragover
 * and drop events carrying a DataTransfer with the files (built in Chromium; the node project has
 * no DOM types, so the page function is a string).
 */
export async function dropFiles(target: Locator, files: Array<{ name: string; mimeType: string; text: string }>): Promise<void> {
  const dataTransfer = await target.page().evaluateHandle(`(() => {
    const transfer = new DataTransfer()
    for (const f of ${JSON.stringify(files)}) transfer.items.add(new File([f.text], f.name, { type: f.mimeType }))
    return transfer
  })()`)
  for (const type of ['dragenter', 'dragover', 'drop']) await target.dispatchEvent(type, { dataTransfer })
}
