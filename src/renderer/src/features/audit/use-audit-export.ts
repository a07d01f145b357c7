import { useRef, useState } from 'react'
import { getBridge } from '../../app/bridge'
import { AUDIT_EXPORT_PAGE, type AuditCursor, type AuditExportFormat, type AuditFilterDto } from '../../../../shared/contract/audit'

/** Where the pages go: a file the person chose (streamed to disk), or memory until the end. */
interface Sink {
  write(text: string): Promise<void>
  close(fileName: string): Promise<void>
  abort(): Promise<void>
}

interface SavePicker {
  showSaveFilePicker?: (options: {
    suggestedName: string
    types: Array<{ description: string; accept: Record<string, string[]> }>
  }) => Promise<{ createWritable(): Promise<{ write(data: string): Promise<void>; close(): Promise<void>; abort(): Promise<void> }> }>
}

const TYPES: Record<AuditExportFormat, { mime: string; ext: string; description: string }> = {
  csv: { mime: 'text/csv', ext: '.csv', description: 'CSV' },
  jsonl: { mime: 'application/x-ndjson', ext: '.jsonl', description: 'JSON Lines' }
}

/**
 * The file chooser of Chromium and Electron (File System Access): each page is written to disk as it
 * arrives, so memory stays flat however long the export. Null where there is none (the pages are
 * then kept and downloaded at the end), or when the person closed the chooser: undefined.
 */
async function pickFile(format: AuditExportFormat, suggestedName: string): Promise<Sink | null | undefined> {
  const picker = (window as unknown as SavePicker).showSaveFilePicker
  if (!picker) return null
  let handle
  try {
    handle = await picker({ suggestedName, types: [{ description: TYPES[format].description, accept: { [TYPES[format].mime]: [TYPES[format].ext] } }] })
  } catch (error) {
    if ((error as Error).name === 'AbortError') return undefined
    return null
  }
  const file = await handle.createWritable()
  return { write: (text) => file.write(text), close: () => file.close(), abort: () => file.abort() }
}

function memorySink(format: AuditExportFormat): Sink {
  const parts: string[] = []
  return {
    write: async (text) => void parts.push(text),
    close: async (fileName) => {
      const url = URL.createObjectURL(new Blob(parts, { type: `${TYPES[format].mime};charset=utf-8` }))
      const link = document.createElement('a')
      link.href = url
      link.download = fileName
      link.click()
      setTimeout(() => URL.revokeObjectURL(url), 60_000)
    },
    abort: async () => void parts.splice(0)
  }
}

export type ExportState =
  | { phase: 'idle' }
  | { phase: 'running'; format: AuditExportFormat; done: number; total: { count: number; exact: boolean } | null }
  | { phase: 'done'; format: AuditExportFormat; rows: number; fileName: string }
  | { phase: 'cancelled'; rows: number }
  | { phase: 'failed'; message: string }

/**
 * An export of the filter the screen shows, page by page (`audit:export-page`), written as it comes,
 * with progress and a cancel that stops before the next page.
 */
export function useAuditExport(): { state: ExportState; run(filter: AuditFilterDto, format: AuditExportFormat): Promise<void>; cancel(): void; dismiss(): void } {
  const [state, setState] = useState<ExportState>({ phase: 'idle' })
  const cancelled = useRef(false)

  async function run(filter: AuditFilterDto, format: AuditExportFormat): Promise<void> {
    cancelled.current = false
    const day = new Date().toISOString().slice(0, 10)
    // The chooser first, while the click still counts as the person's gesture.
    const picked = await pickFile(format, `gatehouse-audit-${day}${TYPES[format].ext}`)
    if (picked === undefined) return
    const sink = picked ?? memorySink(format)
    setState({ phase: 'running', format, done: 0, total: null })
    const bridge = getBridge()
    const started = await bridge.invoke('audit:export-start', { filter, format })
    if (!started.ok) {
      await sink.abort()
      setState({ phase: 'failed', message: started.error.message })
      return
    }
    const { total, fileName } = started.value
    let done = 0
    let after: AuditCursor | null | undefined
    try {
      do {
        if (cancelled.current) {
          await sink.abort()
          setState({ phase: 'cancelled', rows: done })
          return
        }
        const page = await bridge.invoke('audit:export-page', { filter: started.value.filter, format, limit: AUDIT_EXPORT_PAGE, ...(after ? { after } : {}) })
        if (!page.ok) {
          await sink.abort()
          setState({ phase: 'failed', message: page.error.message })
          return
        }
        await sink.write(page.value.text)
        done += page.value.rows
        after = page.value.next
        setState({ phase: 'running', format, done, total })
      } while (after)
      await sink.close(fileName)
      setState({ phase: 'done', format, rows: done, fileName })
    } catch (error) {
      await sink.abort().catch(() => undefined)
      setState({ phase: 'failed', message: (error as Error).message })
    }
  }

  return {
    state,
    run,
    cancel: () => {
      cancelled.current = true
    },
    dismiss: () => setState({ phase: 'idle' })
  }
}
