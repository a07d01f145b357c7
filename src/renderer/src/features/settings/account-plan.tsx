import { useRef, useState, type JSX } from 'react'
import { Banner } from '../../components/banner'
import { Badge } from '../../components/badge'
import { ConfirmDialog } from '../../components/dialog'
import { Spinner } from '../../components/spinner'
import { formatCount, formatDateTime } from '../../components/format'
import { useT } from '../../i18n/i18n'
import { getBridge } from '../../app/bridge'
import { hasPermission, useSession } from '../../app/session-store'
import type { OutputOf } from '../../../../shared/contract'
import { IDLE_TIMEOUT_RANGE } from '../../../../shared/contract/settings'
import { TextField } from '../../components/field'
import { formErrors, useFormErrors } from '../../app/field-errors'
import './account-plan.css'
import { useChannelRead } from '../../app/use-channel-read'
import { AuditRetentionSection } from './audit-retention'

/** What the screen reads again when the core says it changed. */
const ACCOUNT_TOPICS = ['account', 'users'] as const

type Account = OutputOf<'settings:account'>

interface AccountState {
  account: Account | null
  error: string | null
  reload(): void
  replace(account: Account): void
}

/**
 * The account as `settings:account` reads it, read again when the account or its people change
 * (a reply to an older read never overwrites a newer one). One per screen: its sections share it.
 */
function useAccount(): AccountState {
  const { value: account, error, reload, replace } = useChannelRead('settings:account', {}, ACCOUNT_TOPICS)
  return { account, error, reload, replace }
}

/**
 * Settings → Account, the plan: shown to everyone who may read the account; the Owner of a trial
 * account can convert it to paid here, which also turns support access off.
 */
export function AccountPlanSection({ state }: { state: AccountState }): JSX.Element {
  const session = useSession((s) => s.session)
  const { account, error, reload: load } = state
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [convertError, setConvertError] = useState<string | null>(null)
  const [converted, setConverted] = useState<number | null>(null)
  const t = useT()

  async function convert(): Promise<void> {
    setBusy(true)
    const result = await getBridge().invoke('account:convert-to-paid', {})
    setBusy(false)
    if (!result.ok) {
      setConvertError(result.error.message)
      return
    }
    setConfirming(false)
    setConverted(result.value.sessionsEnded)
    load()
  }

  const isOwner = hasPermission(session, 'account:owner')
  return (
    <section className="account-plan" aria-labelledby="account-plan-title">
      <h2 id="account-plan-title" className="account-plan-title">
        {t('plan.title')}
      </h2>
      {error ? <Banner tone="error">{t('plan.loadFailed', { error })}</Banner> : null}
      {account ? (
        <>
          <p className="account-plan-line" data-testid="account-plan">
            <Badge tone={account.plan === 'trial' ? 'amber' : 'green'}>{account.plan === 'trial' ? t('plan.trial') : t('plan.paid')}</Badge>
            <span>
              {t('plan.line', { name: account.name, seats: account.seats.total, used: formatCount(account.seats.used), created: formatDateTime(account.createdAt) })}
            </span>
          </p>
          {converted !== null ? (
            <Banner tone="info">{t('plan.converted', { sessions: converted })}</Banner>
          ) : null}
          {account.plan === 'trial' && isOwner ? (
            <div className="account-plan-convert">
              <p className="muted">{t('plan.trialNote')}</p>
              <button
                type="button"
                className="button button-primary"
                onClick={() => {
                  setConvertError(null)
                  setConfirming(true)
                }}
              >
                {t('plan.convert')}
              </button>
            </div>
          ) : null}
          {account.plan === 'trial' && !isOwner ? <p className="muted">{t('plan.ownerOnly')}</p> : null}
        </>
      ) : error ? null : (
        <Spinner label={t('plan.loading')} />
      )}
      {confirming ? (
        <ConfirmDialog
          title={t('plan.confirmTitle')}
          confirmLabel={t('plan.convert')}
          busy={busy}
          error={convertError}
          onCancel={() => setConfirming(false)}
          onConfirm={() => void convert()}
        >
          <p>{t('plan.confirmBody1')}</p>
          <p>{t('plan.confirmBody2')}</p>
        </ConfirmDialog>
      ) : null}
    </section>
  )
}

const ACCOUNT_FIELDS = ['name', 'seats', 'idleTimeoutMinutes'] as const
type AccountDraft = Record<(typeof ACCOUNT_FIELDS)[number], string>

/** The form's text for an account as stored. */
function draftFrom(account: Account): AccountDraft {
  return { name: account.name, seats: String(account.seats.total), idleTimeoutMinutes: String(account.idleTimeoutMinutes) }
}

/** The same values, spaces around them aside. */
function sameDraft(a: AccountDraft, b: AccountDraft): boolean {
  return ACCOUNT_FIELDS.every((field) => a[field].trim() === b[field].trim())
}

/**
 * Settings → Account and plan, the account itself: its name, seats and idle timeout. The Owner
 * edits them (the core refuses seats below those in use, beside the field); everyone else who may
 * read the account sees them.
 */
export function AccountDetailsSection({ state }: { state: AccountState }): JSX.Element {
  const session = useSession((s) => s.session)
  const isOwner = hasPermission(session, 'account:owner')
  // The plan section beside it shows a load error; this one does not repeat it.
  const { account, replace } = state
  const [draft, setDraft] = useState({ name: '', seats: '', idleTimeoutMinutes: '' })
  // Each fresh copy of the account (loaded, saved, changed elsewhere) resets the form to it, unless
  // the Owner is in the middle of editing (a seat count that moved meanwhile must not wipe their typing).
  const [draftOf, setDraftOf] = useState<Account | null>(null)
  if (account !== draftOf) {
    const untouched = draftOf === null || sameDraft(draft, draftFrom(draftOf))
    setDraftOf(account)
    if (account && untouched) setDraft(draftFrom(account))
  }
  const [busy, setBusy] = useState(false)
  const [saved, setSaved] = useState<string | null>(null)
  const t = useT()
  const form = useFormErrors(ACCOUNT_FIELDS)
  // A refusal moves focus to the first field it names (its message is that field's description).
  const formRef = useRef<HTMLFormElement>(null)
  const focusField = (field: (typeof ACCOUNT_FIELDS)[number]) => formRef.current?.querySelector<HTMLInputElement>(`input[name="${field}"]`)?.focus()
  function focusRefused(error: Parameters<typeof form.refuse>[0]): void {
    const named = formErrors(error, ACCOUNT_FIELDS).fields
    const first = ACCOUNT_FIELDS.find((field) => named[field] !== undefined)
    if (first) focusField(first)
  }

  function change(field: (typeof ACCOUNT_FIELDS)[number], value: string): void {
    setDraft((d) => ({ ...d, [field]: value }))
    setSaved(null)
    form.edited(field)
  }

  async function save(): Promise<void> {
    setBusy(true)
    setSaved(null)
    // Whole numbers as typed; the core checks the ranges (and the seats in use) and says why.
    const whole = (text: string) => (/^\s*\d+\s*$/.test(text) ? Number(text) : null)
    const seats = whole(draft.seats)
    const idle = whole(draft.idleTimeoutMinutes)
    if (seats === null || idle === null) {
      setBusy(false)
      form.set({
        ...(seats === null ? { seats: t('account.seatsWhole') } : {}),
        ...(idle === null ? { idleTimeoutMinutes: t('account.idleWhole') } : {})
      })
      focusField(seats === null ? 'seats' : 'idleTimeoutMinutes')
      return
    }
    // Only what the Owner changed here: a value changed meanwhile in another window stays as it is there.
    const base = draftOf!
    const result = await getBridge().invoke('settings:account-update', {
      ...(draft.name.trim() !== base.name ? { name: draft.name } : {}),
      ...(seats !== base.seats.total ? { seats } : {}),
      ...(idle !== base.idleTimeoutMinutes ? { idleTimeoutMinutes: idle } : {})
    })
    setBusy(false)
    if (!result.ok) {
      form.refuse(result.error)
      focusRefused(result.error)
      return
    }
    form.clear()
    replace(result.value)
    setDraft(draftFrom(result.value))
    setSaved(t('account.saved'))
  }

  const unchanged = account !== null && sameDraft(draft, draftFrom(account))
  return (
    <section className="settings-card" aria-labelledby="account-details-title">
      <h2 id="account-details-title">{t('account.title')}</h2>
      {!account && !state.error ? <Spinner label={t('plan.loading')} /> : null}
      {account && !isOwner ? (
        <dl className="account-facts">
          <dt>{t('account.name')}</dt>
          <dd>{account.name}</dd>
          <dt>{t('account.seats')}</dt>
          <dd>{t('account.seatsValue', { total: formatCount(account.seats.total), used: formatCount(account.seats.used) })}</dd>
          <dt>{t('account.idle')}</dt>
          <dd>{t('account.minutes', { count: account.idleTimeoutMinutes })}</dd>
          <dt>{t('account.owner')}</dt>
          <dd>{t('account.ownerValue', { name: account.owner.name, email: account.owner.email })}</dd>
        </dl>
      ) : null}
      {account && !isOwner ? <p className="muted account-facts-note">{t('account.ownerOnly')}</p> : null}
      {account && isOwner ? (
        <form
          ref={formRef}
          className="settings-form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault()
            void save()
          }}
        >
          {form.banner ? <Banner tone="error">{form.banner}</Banner> : null}
          <TextField
            label={t('account.accountName')}
            name="name"
            value={draft.name}
            maxLength={120}
            error={form.fields.name}
            onChange={(e) => change('name', e.target.value)}
          />
          <div className="settings-grid">
            <TextField
              label={t('account.seats')}
              name="seats"
              inputMode="numeric"
              value={draft.seats}
              error={form.fields.seats}
              hint={t('account.seatsHint', { used: formatCount(account.seats.used), active: formatCount(account.seats.active), invited: formatCount(account.seats.invited) })}
              onChange={(e) => change('seats', e.target.value)}
            />
            <TextField
              label={t('account.idleLabel')}
              name="idleTimeoutMinutes"
              inputMode="numeric"
              value={draft.idleTimeoutMinutes}
              error={form.fields.idleTimeoutMinutes}
              hint={t('account.idleHint', { min: IDLE_TIMEOUT_RANGE.min, max: IDLE_TIMEOUT_RANGE.max })}
              onChange={(e) => change('idleTimeoutMinutes', e.target.value)}
            />
          </div>
          <div className="settings-actions">
            <button type="submit" className="button button-primary" disabled={busy || unchanged}>
              {busy ? t('account.saving') : t('common.save')}
            </button>
            {/* Always there, so a screen reader hears the text when it appears. */}
            <span role="status" className="muted">
              {saved}
            </span>
          </div>
        </form>
      ) : null}
    </section>
  )
}

/** Settings → Account and plan: the account (name, seats, idle timeout) and its plan. */
export function AccountPlanScreen(): JSX.Element {
  const state = useAccount()
  const t = useT()
  const canReadAudit = hasPermission(useSession((s) => s.session), 'audit:read')
  return (
    <section className="screen settings-screen account-plan-screen" aria-labelledby="account-title">
      <header className="screen-header">
        <div className="screen-heading">
          <h1 id="account-title">{t('screen.account')}</h1>
        </div>
      </header>
      <div className="settings-body">
        <div className="settings-sections">
          <AccountDetailsSection state={state} />
          <AccountPlanSection state={state} />
          {canReadAudit ? <AuditRetentionSection /> : null}
        </div>
      </div>
    </section>
  )
}
