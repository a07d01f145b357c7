import { useId, useState, type JSX } from 'react'
import { Dialog } from '../../components/dialog'
import { Banner } from '../../components/banner'
import { CopyIcon } from '../../components/icons'
import { formatDateTime } from '../../components/format'
import { getBridge } from '../../app/bridge'
import { useFormErrors } from '../../app/field-errors'
import { AGENT_PERMISSIONS, ASSIGNABLE_ROLES, type AgentPermission, type AssignableRole, type InvitationDelivery } from '../../../../shared/contract/users'
import { useT } from '../../i18n/i18n'
import { permissionLabel, roleLabel } from '../../i18n/labels'
import { TeamPicker } from '../teams/team-picker'
import { useTeams } from '../teams/teams-store'

const FIELDS = ['emails', 'role', 'teamIds', 'permissions'] as const

/** Splits what people paste (one per line, commas, semicolons, spaces) into addresses. */
export function splitEmails(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((part) => part.trim())
    .filter(Boolean)
}

export function InviteDialog({ onClose }: { onClose(): void }): JSX.Element {
  const teams = useTeams((s) => s.teams)
  const emailsId = useId()
  const roleId = useId()
  const t = useT()
  const [emails, setEmails] = useState('')
  const [role, setRole] = useState<AssignableRole>('agent')
  const [teamIds, setTeamIds] = useState<string[]>([])
  const [permissions, setPermissions] = useState<AgentPermission[]>([])
  const [busy, setBusy] = useState(false)
  // The core names every wrong address ("“olivia@” and “bob” are not valid — …") beside the addresses.
  const { fields: errors, banner: error, refuse, set: setErrors, clear, edited } = useFormErrors(FIELDS)
  const [sent, setSent] = useState<InvitationDelivery[] | null>(null)

  async function submit(): Promise<void> {
    if (busy) return
    setBusy(true)
    const result = await getBridge().invoke('users:invite', { emails: splitEmails(emails), role, teamIds, permissions: role === 'agent' ? permissions : [] })
    setBusy(false)
    if (!result.ok) {
      // Addresses that already belong to members are named by the core; they too go beside the addresses.
      const taken = (result.error.details as { emails?: unknown } | undefined)?.emails
      if (result.error.code === 'CONFLICT' && Array.isArray(taken)) setErrors({ emails: result.error.message })
      else refuse(result.error)
      return
    }
    clear()
    setSent(result.value.invited)
  }

  if (sent) return <InvitationsSentDialog title={t('invite.created', { count: sent.length })} deliveries={sent} onClose={onClose} />

  return (
    <Dialog
      title={t('invite.title')}
      onClose={onClose}
      onSubmit={() => void submit()}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t('invite.inviting') : t('invite.send')}
          </button>
        </>
      }
    >
      {error ? <Banner tone="error">{error}</Banner> : null}
      <div className="field">
        <label className="field-label" htmlFor={emailsId}>
          {t('invite.emails')}
        </label>
        <textarea
          id={emailsId}
          className="textarea"
          value={emails}
          placeholder={t('invite.emailsPlaceholder')}
          onChange={(e) => {
            setEmails(e.target.value)
            edited('emails')
          }}
          autoFocus
          aria-invalid={errors.emails ? true : undefined}
          aria-describedby={errors.emails ? `${emailsId}-error ${emailsId}-hint` : `${emailsId}-hint`}
        />
        {errors.emails ? (
          <p className="field-error" id={`${emailsId}-error`}>
            {errors.emails}
          </p>
        ) : null}
        <p className="field-hint" id={`${emailsId}-hint`}>
          {t('invite.emailsHint')}
        </p>
      </div>
      <div className="field">
        <label className="field-label" htmlFor={roleId}>
          {t('invite.role')}
        </label>
        <select
          id={roleId}
          className="select"
          value={role}
          onChange={(e) => {
            setRole(e.target.value as AssignableRole)
            edited('role')
          }}
          aria-invalid={errors.role ? true : undefined}
        >
          {ASSIGNABLE_ROLES.map((value) => (
            <option key={value} value={value}>
              {roleLabel(t, value)}
            </option>
          ))}
        </select>
        {errors.role ? <p className="field-error">{errors.role}</p> : null}
        {role === 'admin' ? <p className="field-hint">{t('invite.adminHint')}</p> : null}
      </div>
      {role === 'agent' ? (
        <PermissionPicker
          value={permissions}
          onChange={(value) => {
            setPermissions(value)
            edited('permissions')
          }}
        />
      ) : null}
      {errors.permissions ? <p className="field-error">{errors.permissions}</p> : null}
      <TeamPicker
        legend={t('invite.teams')}
        teams={teams}
        value={teamIds}
        onChange={(value) => {
          setTeamIds(value)
          edited('teamIds')
        }}
      />
      {errors.teamIds ? <p className="field-error">{errors.teamIds}</p> : null}
    </Dialog>
  )
}

export function PermissionPicker(props: { value: AgentPermission[]; onChange(value: AgentPermission[]): void; disabled?: boolean }): JSX.Element {
  const { value, onChange, disabled } = props
  const t = useT()
  return (
    <fieldset className="team-picker" disabled={disabled}>
      <legend className="field-label">{t('invite.permissions')}</legend>
      <div className="team-picker-list">
        {AGENT_PERMISSIONS.map((permission) => (
          <label key={permission} className="checkbox">
            <input
              type="checkbox"
              checked={value.includes(permission)}
              onChange={(e) => onChange(e.target.checked ? [...value, permission] : value.filter((p) => p !== permission))}
            />
            {permissionLabel(t, permission)}
          </label>
        ))}
      </div>
    </fieldset>
  )
}

/** Invitations just sent or resent: each emailed, or its link shown this once. */
export function InvitationsSentDialog({ title, deliveries, onClose }: { title: string; deliveries: InvitationDelivery[]; onClose(): void }): JSX.Element {
  const t = useT()
  return (
    <Dialog
      title={title}
      onClose={onClose}
      footer={
        <button type="button" className="button button-primary" onClick={onClose}>
          {t('invite.done')}
        </button>
      }
    >
      <InvitationResults deliveries={deliveries} />
    </Dialog>
  )
}

/** Each invitation: emailed, or its one-time link to copy (the core never shows it again). */
export function InvitationResults({ deliveries }: { deliveries: InvitationDelivery[] }): JSX.Element {
  const t = useT()
  return (
    <ul className="invite-result">
      {deliveries.map((delivery) => (
        <li key={delivery.membershipId}>
          <p className="invite-result-email">{delivery.email}</p>
          {delivery.delivery === 'email' ? (
            <p className="muted">{t('invite.sentByEmail', { until: formatDateTime(delivery.expiresAt) })}</p>
          ) : (
            <>
              {delivery.deliveryError ? <Banner tone="warning">{t('invite.emailFailed', { error: delivery.deliveryError })}</Banner> : null}
              <p className="muted">{t('invite.passOn', { until: formatDateTime(delivery.expiresAt) })}</p>
              {delivery.link ? <CopyLink link={delivery.link} /> : null}
            </>
          )}
        </li>
      ))}
    </ul>
  )
}

export function CopyLink({ link }: { link: string }): JSX.Element {
  const [copied, setCopied] = useState(false)
  const t = useT()
  return (
    <div className="copy-row">
      <code data-testid="invite-link">{link}</code>
      <button
        type="button"
        className="button button-sm"
        onClick={() => {
          void navigator.clipboard.writeText(link).then(
            () => setCopied(true),
            () => setCopied(false)
          )
        }}
      >
        <CopyIcon />
        {copied ? t('invite.copied') : t('invite.copy')}
      </button>
    </div>
  )
}
