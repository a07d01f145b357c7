import { useCallback, useEffect, useState, type JSX } from 'react'
import { getBridge } from '../../app/bridge'
import { Banner } from '../../components/banner'
import { DateTime } from '../../components/date-time'
import { formatCount } from '../../components/format'
import { useT } from '../../i18n/i18n'
import type { VerifyMode, VerifyRunDto } from '../../../../shared/contract/audit'

interface Status {
  last: VerifyRunDto | null
  lastFull: VerifyRunDto | null
  lastIncremental: VerifyRunDto | null
}

/**
 * "Verify integrity": a full check of the ledger or one of what was appended since the last pass,
 * with progress and Cancel; says which mode ran, how it ended (the first bad sequence number when
 * one is known) and when each mode last passed.
 */
export function AuditIntegrity(): JSX.Element {
  const t = useT()
  const [status, setStatus] = useState<Status | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [running, setRunning] = useState<{ mode: VerifyMode; done: number; total: number } | null>(null)
  const [result, setResult] = useState<VerifyRunDto | null>(null)

  // Bumped to read the status again after a run; the effect owns the request.
  const [version, setVersion] = useState(0)
  const refresh = useCallback(() => setVersion((v) => v + 1), [])
  useEffect(() => {
    let live = true
    void getBridge()
      .invoke('audit:verify-status', {})
      .then((answer) => {
        if (!live) return
        if (answer.ok) setStatus(answer.value)
        else setError(answer.error.message)
      })
    return () => {
      live = false
    }
  }, [version])
  useEffect(
    () =>
      getBridge().on('job:progress', (p) => {
        if (p.label === 'verify') setRunning((r) => (r ? { ...r, done: p.done, total: p.total ?? 0 } : r))
      }),
    []
  )

  async function run(mode: VerifyMode): Promise<void> {
    setError(null)
    setResult(null)
    setRunning({ mode, done: 0, total: 0 })
    const answer = await getBridge().invoke('audit:verify', { mode })
    setRunning(null)
    if (answer.ok) setResult(answer.value)
    else setError(answer.error.message)
    refresh()
  }

  const passed = (run: VerifyRunDto | null, mode: VerifyMode) =>
    run ? (
      <span>
        {t(`integrity.lastPassed.${mode}`, { count: run.events ?? 0, shown: formatCount(run.events ?? 0) })} <DateTime ms={run.finishedAt} zone />
      </span>
    ) : (
      <span>{t(`integrity.neverPassed.${mode}`)}</span>
    )

  return (
    <section className="audit-integrity" aria-labelledby="audit-integrity-title">
      <div className="audit-integrity-row">
        <h2 id="audit-integrity-title" className="audit-integrity-title">
          {t('integrity.title')}
        </h2>
        <p className="audit-integrity-facts">
          {status ? (
            <>
              {passed(status.lastFull, 'full')}
              <span aria-hidden="true"> · </span>
              {passed(status.lastIncremental, 'incremental')}
            </>
          ) : null}
        </p>
        {running ? (
          <span className="audit-integrity-progress" role="status">
            <span>{t(`integrity.running.${running.mode}`, { done: formatCount(running.done), total: formatCount(running.total) })}</span>
            <progress max={running.total || undefined} value={running.total ? running.done : undefined} aria-label={t('integrity.progress')} />
            <button type="button" className="button button-sm" onClick={() => void getBridge().invoke('audit:verify-cancel', {})}>
              {t('common.cancel')}
            </button>
          </span>
        ) : (
          <span className="audit-integrity-actions">
            <button type="button" className="button button-sm" onClick={() => void run('full')}>
              {t('integrity.verify')}
            </button>
            <button type="button" className="button button-sm" disabled={!status?.lastFull && !status?.lastIncremental} onClick={() => void run('incremental')}>
              {t('integrity.incremental')}
            </button>
          </span>
        )}
      </div>
      {error ? <Banner tone="error">{t('integrity.error', { error })}</Banner> : null}
      {result ? <RunOutcome run={result} /> : null}
    </section>
  )
}

function RunOutcome({ run }: { run: VerifyRunDto }): JSX.Element {
  const t = useT()
  if (run.outcome === 'passed') {
    return (
      <Banner tone="info">
        {t(`integrity.passed.${run.mode}`, { count: run.events ?? 0, shown: formatCount(run.events ?? 0), size: formatCount(run.head?.size ?? 0), root: run.head?.root.slice(0, 16) ?? '' })}
      </Banner>
    )
  }
  if (run.outcome === 'cancelled') return <Banner tone="warning">{t(`integrity.cancelled.${run.mode}`)}</Banner>
  return (
    <Banner tone="error">
      {run.badSeq !== null ? t('integrity.failedAt', { seq: formatCount(run.badSeq), message: run.message ?? '' }) : t('integrity.failed', { message: run.message ?? '' })}
    </Banner>
  )
}
