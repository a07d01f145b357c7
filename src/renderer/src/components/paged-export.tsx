import { useRef, useState, type JSX } from 'react'
import type { Result } from '../../../shared/contract'
import type { AuditExportFormat } from '../../../shared/contract/audit'
import { Banner } from './banner'
import { formatCapped, formatCount } from './format'
import { useT, type MessageKey } from '../i18n/i18n'

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
 * What an export reads from the core: `start` records it and closes the filter's range (the file
 * name, the filter to page through and its total), `page` gives the text of one page after a cursor.
 */
export interface ExportSource<Filter, Cursor> {
  /** The start of the suggested file name ("gatehouse-audit"); the day and extension follow. */
  fileStem: string
  start(filter: Filter, format: AuditExportFormat): Promise<Result<{ fileName: string; filter: Filter; total: { count: number; exact: boolean }; exportId?: string }>>
  /** `exportId`: what `start` returned, when the core keeps a record of the export. */
  page(filter: Filter, format: AuditExportFormat, after: Cursor | undefined, exportId: string | undefined): Promise<Result<{ text: string; rows: number; next: Cursor | null }>>
}

/**
 * An export of the filter a screen shows, page by page, written as it comes, with progress and a
 * cancel that stops before the next page (the audit log and the login history).
 */
export function usePagedExport<Filter, Cursor>(
  source: ExportSource<Filter, Cursor>
): { state: ExportState; run(filter: Filter, format: AuditExportFormat): Promise<void>; cancel(): void; dismiss(): void } {
  const [state, setState] = useState<ExportState>({ phase: 'idle' })
  const cancelled = useRef(false)

  async function run(filter: Filter, format: AuditExportFormat): Promise<void> {
    cancelled.current = false
    const day = new Date().toISOString().slice(0, 10)
    // The chooser first, while the click still counts as the person's gesture.
    const picked = await pickFile(format, `${source.fileStem}-${day}${TYPES[format].ext}`)
    if (picked === undefined) return
    const sink = picked ?? memorySink(format)
    setState({ phase: 'running', format, done: 0, total: null })
    const started = await source.start(filter, format)
    if (!started.ok) {
      await sink.abort()
      setState({ phase: 'failed', message: started.error.message })
      return
    }
    const { total, fileName } = started.value
    let done = 0
    let after: Cursor | null | undefined
    try {
      do {
        if (cancelled.current) {
          await sink.abort()
          setState({ phase: 'cancelled', rows: done })
          return
        }
        const page = await source.page(started.value.filter, format, after ?? undefined, started.value.exportId)
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

/** The words of an export's progress and outcome, per screen ("events", "sign-in attempts"). */
export interface ExportWords {
  /** {done} of {total}. */
  running: MessageKey
  /** {count} ({shown}) to {file}. */
  done: MessageKey
  /** After {count} ({shown}). */
  cancelled: MessageKey
}

/** Progress of a running export (with Cancel), or how the last one ended. */
export function ExportStatus({ state, words, onCancel, onDismiss }: { state: ExportState; words: ExportWords; onCancel(): void; onDismiss(): void }): JSX.Element | null {
  const t = useT()
  if (state.phase === 'idle') return null
  if (state.phase === 'running') {
    const of = state.total ? formatCapped(state.total.count, !state.total.exact) : '…'
    return (
      <div className="audit-export" role="status">
        <span>{t(words.running, { done: formatCount(state.done), total: of })}</span>
        <progress
          className="audit-export-bar"
          max={state.total ? Math.max(1, state.total.count) : undefined}
          value={state.total ? Math.min(state.done, state.total.count) : undefined}
          aria-label={t('audit.export.progress')}
        />
        <button type="button" className="button button-sm" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    )
  }
  const dismiss = (
    <button type="button" className="button button-sm" onClick={onDismiss}>
      {t('audit.export.dismiss')}
    </button>
  )
  if (state.phase === 'failed') {
    return (
      <Banner tone="error" action={dismiss}>
        {t('audit.export.failed', { error: state.message })}
      </Banner>
    )
  }
  return (
    <Banner tone="info" action={dismiss}>
      {state.phase === 'done'
        ? t(words.done, { count: state.rows, shown: formatCount(state.rows), file: state.fileName })
        : t(words.cancelled, { count: state.rows, shown: formatCount(state.rows) })}
    </Banner>
  )
}
