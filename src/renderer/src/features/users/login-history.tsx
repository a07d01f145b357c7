import { useCallback, useEffect, useMemo, useState, type JSX } from 'react'
import { Link } from 'react-router'
import { getBridge } from '../../app/bridge'
import { useDataChanged } from '../../app/data-events'
import { Banner } from '../../components/banner'
import { DateTime } from '../../components/date-time'
import { formatCount } from '../../components/format'
import { useT } from '../../i18n/i18n'
import type { LoginHistoryDto } from '../../../../shared/contract/login-history'
import { AuditChart } from '../audit/audit-chart'

const DAYS = 30

/** The viewer's last 30 days as bins: local midnights from 29 days ago to tomorrow. */
function lastDays(now: number): number[] {
  const day = new Date(now)
  day.setHours(0, 0, 0, 0)
  day.setDate(day.getDate() - (DAYS - 1))
  const bounds: number[] = []
  for (let i = 0; i <= DAYS; i++) {
    bounds.push(day.getTime())
    day.setDate(day.getDate() + 1)
  }
  return bounds
}

/**
 * One person's sign-ins (issue 10 part 1): last sign-in, sign-ins per day for 30 days, where from
 * (addresses and devices, first and last seen), failed attempts and why, the current lockout with
 * Unlock, and their live sessions with "Sign out everywhere" (those two for Owner and Admin). Given
 * the person's `name` (in the user panel), it links to the full login history page narrowed to them.
 */
export function LoginHistory({ membershipId, canManage, name }: { membershipId: string; canManage: boolean; name?: string }): JSX.Element {
  const t = useT()
  const [history, setHistory] = useState<{ bounds: number[]; value: LoginHistoryDto } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  // Bumped to read again (after an action, or when sign-ins change); the effect owns the request.
  const [version, setVersion] = useState(0)
  const reload = useCallback(() => setVersion((v) => v + 1), [])
  useDataChanged('users', reload)
  useEffect(() => {
    let live = true
    const bounds = lastDays(Date.now())
    void getBridge()
      .invoke('users:login-history', { membershipId, bounds })
      .then((answer) => {
        if (!live) return
        if (answer.ok) {
          setHistory({ bounds, value: answer.value })
          setError(null)
        } else setError(answer.error.message)
      })
    return () => {
      live = false
    }
  }, [membershipId, version])

  const series = useMemo(() => (history ? { bounds: history.bounds, counts: history.value.perDay, unit: 'day' as const } : null), [history])

  async function act(channel: 'users:unlock' | 'users:sign-out-everywhere'): Promise<void> {
    setBusy(true)
    setNotice(null)
    const answer = await getBridge().invoke(channel, { membershipId })
    setBusy(false)
    if (!answer.ok) setError(answer.error.message)
    else if ('ended' in answer.value) setNotice(t('logins.signedOutEverywhere', { count: answer.value.ended }))
    else setNotice(t(answer.value.wasLocked ? 'logins.unlocked' : 'logins.notLocked'))
    reload()
  }

  if (error && !history) return <Banner tone="error">{t('logins.failed', { error })}</Banner>
  if (!history) return <p className="muted">{t('common.loading')}</p>
  const h = history.value
  return (
    <section className="panel-section login-history" aria-labelledby="login-history-title">
      <h3 id="login-history-title" className="field-label">
        {t('logins.title')}
      </h3>
      {error ? <Banner tone="error">{t('logins.failed', { error })}</Banner> : null}
      {notice ? <Banner tone="info">{notice}</Banner> : null}
      <p className="login-facts">
        {h.lastLogin !== null ? (
          <span>
            {t('logins.last')} <DateTime ms={h.lastLogin} zone />
          </span>
        ) : (
          <span>{t('logins.never')}</span>
        )}
        <span className="muted">{t('logins.failedLast30', { count: h.failedLast30, shown: formatCount(h.failedLast30) })}</span>
      </p>
      {series ? <AuditChart series={series} noun="signIns" /> : null}
      {name !== undefined ? (
        // In the user panel: the account-wide history narrowed to this person, with every attempt.
        <Link className="login-full" to={{ pathname: '/login-history', search: new URLSearchParams({ member: membershipId, memberName: name }).toString() }}>
          {t('logins.fullHistory')}
        </Link>
      ) : null}
      {h.lockedUntil !== null ? (
        <Banner
          tone="warning"
          action={
            canManage ? (
              <button type="button" className="button button-sm" disabled={busy} onClick={() => void act('users:unlock')}>
                {t('logins.unlock')}
              </button>
            ) : undefined
          }
        >
          {t('logins.locked')} <DateTime ms={h.lockedUntil} zone />
        </Banner>
      ) : null}

      <h4 className="login-subhead">{t('logins.sessions', { count: h.sessions.length })}</h4>
      {h.sessions.length > 0 ? (
        <ul className="login-list">
          {h.sessions.map((s) => (
            <li key={`${s.startedAt}-${s.ip}-${s.device}`}>
              <span>{s.device ?? t('logins.unknownDevice')}</span>
              <span className="muted">
                {s.ip ?? '—'} · {t('logins.since')} <DateTime ms={s.startedAt} zone />
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {canManage && h.sessions.length > 0 ? (
        <button type="button" className="button button-sm" disabled={busy} onClick={() => void act('users:sign-out-everywhere')}>
          {t('logins.signOutEverywhere')}
        </button>
      ) : null}

      <SeenTable caption={t('logins.addresses')} column={t('logins.address')} rows={h.addresses} />
      <SeenTable caption={t('logins.devices')} column={t('logins.device')} rows={h.devices} />

      <h4 className="login-subhead">{t('logins.failures')}</h4>
      {h.failures.length === 0 ? (
        <p className="muted">{t('logins.noFailures')}</p>
      ) : (
        <ul className="login-list">
          {h.failures.map((f) => (
            <li key={`${f.time}-${f.ip}`}>
              <span>
                <DateTime ms={f.time} zone /> · {f.reason ?? t('logins.noReason')}
              </span>
              <span className="muted">
                {f.ip ?? '—'} · {f.device ?? t('logins.unknownDevice')}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

function SeenTable(props: { caption: string; column: string; rows: LoginHistoryDto['addresses'] }): JSX.Element {
  const t = useT()
  return (
    <table className="login-table">
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{props.column}</th>
          <th scope="col">{t('logins.firstSeen')}</th>
          <th scope="col">{t('logins.lastSeen')}</th>
          <th scope="col" className="num">
            {t('logins.count')}
          </th>
        </tr>
      </thead>
      <tbody>
        {props.rows.length === 0 ? (
          <tr>
            <td colSpan={4} className="muted">
              {t('logins.none')}
            </td>
          </tr>
        ) : (
          props.rows.map((r) => (
            <tr key={r.value}>
              <td className="login-value">{r.value}</td>
              <td>
                <DateTime ms={r.firstSeen} />
              </td>
              <td>
                <DateTime ms={r.lastSeen} />
              </td>
              <td className="num">{formatCount(r.signIns)}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  )
}
