import { useState } from 'react'
import type { Result } from '../../../../shared/contract'
import { downloadText } from '../../components/download'

/** A CSV export the core builds: busy flag, last error, and a `run` that downloads the file. */
export function useCsvExport(fetch: () => Promise<Result<{ filename: string; content: string }>>): {
  exporting: boolean
  exportError: string | null
  exportCsv: () => Promise<void>
} {
  const [exporting, setExporting] = useState(false)
  const [exportError, setExportError] = useState<string | null>(null)
  async function exportCsv(): Promise<void> {
    setExporting(true)
    setExportError(null)
    const result = await fetch()
    setExporting(false)
    if (result.ok) downloadText(result.value.filename, result.value.content)
    else setExportError(result.error.message)
  }
  return { exporting, exportError, exportCsv }
}
