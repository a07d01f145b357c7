import { useCallback, useEffect, useId, useRef, useState, type JSX } from 'react'
import { Avatar } from '../../components/avatar'
import { Badge } from '../../components/badge'
import { Banner } from '../../components/banner'
import { ConfirmDialog } from '../../components/dialog'
import { TextField } from '../../components/field'
import { CloseIcon } from '../../components/icons'
import { formatDateTime } from '../../components/format'
import { NameAndPictureForm } from '../../components/name-picture-form'
import { useDismiss } from '../../components/use-dismiss'
import { getBridge } from '../../app/bridge'
import { formErrors, useFormErrors } from '../../app/field-errors'
import type { InputOf } from '../../../../shared/contract'
import { useDataChanged } from '../../app/data-events'
import { hasPermission, useSession } from '../../app/session-store'
import { ASSIGNABLE_ROLES, PASSWORD_RESET_VALID_HOURS, type AgentPermission, type AssignableRole, type InvitationDelivery, type PasswordResetDelivery, type UserDetail } from '../../../../shared/contract/users'
import { useT } from '../../i18n/i18n'
import { permissionList, roleLabel } from '../../i18n/labels'
import { TeamPicker } from '../teams/team-picker'
import { useTeams } from '../teams/teams-store'
import { STATUS_LABELS } from './users-columns'
import { InvitationResults, PermissionPicker } from './invite-dialog'
import { RecentActivity } from './recent-activity'
import { LoginHistory } from './login-history'

const PANEL_FIELDS = ['name', 'avatar', 'role', 'teamIds', 'permissions'] as const

type Confirm = { kind: 'role'; role: AssignableRole } | { kind: 'deactivate' } | { kind: 'reactivate' } | { kind: 'revoke' } | { kind: 'transfer' } | { kind: 'reset-password' }

/** One person, beside the list: what an admin edits about them, each change confirmed where it reaches far. */
export function UserPanel({ membershipId, onClose }: { membershipId: string; onClose(): void }): JSX.Element {
  const session = useSession((s) => s.session)
  // Only whether to show management hints at all: what may be done to this person comes from the core.
  const canManage = hasPermission(session, 'users:manage')
  const canReadAudit = hasPermission(session, 'audit:read')
  const teams = useTeams((s) => s.teams)
  const [user, setUser] = useState<UserDetail | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  // A refused name, picture, team list or permission list is shown beside it.
  const panelForm = useFormErrors(PANEL_FIELDS)
  const [notice, setNotice] = useState<string | null>(null)
  const [confirm, setConfirm] = useState<Confirm | null>(null)
  const [busy, setBusy] = useState(false)
  const [resent, setResent] = useState<InvitationDelivery | null>(null)
  const [resetLink, setResetLink] = useState<PasswordResetDelivery | null>(null)
  const [teamIds, setTeamIds] = useState<string[]>([])
  const [permissions, setPermissions] = useState<AgentPermission[]>([])
  const [password, setPassword] = useState('')
  const roleId = useId()
  const t = useT()
  const panelRef = useRef<HTMLElement>(null)
  // Escape (when no dialog is open) and the close button; focus goes back to the row.
  const close = useDismiss(panelRef, onClose)

  const adopt = useCallback((detail: UserDetail) => {
    setUser(detail)
    setTeamIds(detail.teams.map((team) => team.id))
    setPermissions(detail.permissions)
  }, [])

  // Bumped to fetch again (after a change elsewhere); the effect owns the request.
  const [version, setVersion] = useState(0)
  const load = useCallback(() => setVersion((v) => v + 1), [])
  useEffect(() => {
    let live = true
    void getBridge()
      .invoke('users:get', { membershipId })
      .then((result) => {
        if (!live) return
        if (result.ok) {
          adopt(result.value)
          setLoadError(null)
        } else setLoadError(result.error.message)
      })
    return () => {
      live = false
    }
  }, [membershipId, adopt, version])
  useDataChanged('users', () => load())

  /** Returns the core's refusal, or null when saved. */
  async function save(input: Omit<InputOf<'users:update'>, 'membershipId'>, message: string | ((detail: UserDetail) => string)): Promise<string | null> {
    setError(null)
    setNotice(null)
    const result = await getBridge().invoke('users:update', { membershipId, ...input })
    if (!result.ok) {
      const { fields, banner } = formErrors(result.error, PANEL_FIELDS)
      panelForm.set(fields)
      // A role change is confirmed in a dialog: its refusal is said there.
      const reason = banner ?? fields.role ?? null
      setError(reason)
      return reason ?? result.error.message
    }
    panelForm.clear()
    adopt(result.value)
    setNotice(typeof message === 'string' ? message : message(result.value))
    return null
  }

  async function runConfirm(current: Confirm): Promise<void> {
    setBusy(true)
    setError(null)
    const bridge = getBridge()
    let failure: string | null = null
    if (current.kind === 'role') {
      failure = await save({ role: current.role }, (detail) => {
        const cleared = detail.clearedAgentPermissions ?? []
        const changed = t('panel.roleChanged', { role: roleLabel(t, current.role) })
        return cleared.length ? `${changed} ${t('panel.permissionsCleared', { permissions: permissionList(t, cleared) })}` : changed
      })
    } else if (current.kind === 'deactivate' || current.kind === 'reactivate') {
      const result = await bridge.invoke(current.kind === 'deactivate' ? 'users:deactivate' : 'users:reactivate', { membershipId })
      if (result.ok) {
        adopt(result.value)
        setNotice(current.kind === 'deactivate' ? t('panel.deactivated') : t('panel.reactivated'))
      } else failure = result.error.message
    } else if (current.kind === 'reset-password') {
      const result = await bridge.invoke('users:reset-password', { membershipId })
      if (result.ok) {
        setResetLink(result.value)
        setNotice(result.value.delivery === 'email' ? t('panel.resetEmailed', { email: result.value.email }) : null)
      } else failure = result.error.message
    } else if (current.kind === 'revoke') {
      const result = await bridge.invoke('users:revoke-invitation', { membershipId })
      if (result.ok) {
        setBusy(false)
        setConfirm(null)
        close()
        return
      }
      failure = result.error.message
    } else {
      const result = await bridge.invoke('account:transfer-ownership', { toMembershipId: membershipId, password })
      if (result.ok) {
        setNotice(t('panel.transferred'))
        load()
      } else failure = result.error.message
    }
    setBusy(false)
    if (failure) setError(failure)
    else setConfirm(null)
    setPassword('')
  }

  async function resend(): Promise<void> {
    setError(null)
    const result = await getBridge().invoke('users:resend-invitation', { membershipId })
    if (result.ok) setResent(result.value)
    else setError(result.error.message)
  }

  const header = (
    <header className="panel-header">
      <h2 className="panel-title truncate">{user ? user.name || user.email : t('panel.user')}</h2>
      <button type="button" className="button button-ghost button-sm" onClick={close} aria-label={t('panel.close')}>
        <CloseIcon />
      </button>
    </header>
  )

  if (!user) {
    return (
      <aside ref={panelRef} className="side-panel" aria-label={t('panel.details')}>
        {header}
        <div className="panel-body">{loadError ? <Banner tone="error">{loadError}</Banner> : <p className="muted">{t('common.loading')}</p>}</div>
      </aside>
    )
  }

  const can = user.capabilities
  // A refusal is worth showing only to someone who manages people (a Viewer is refused everything).
  const hint = (reason: string | null): string | null => (canManage ? reason : null)
  // Which of the two applies to this person now; whether it is allowed is the core's answer.
  const statusAction = user.status === 'deactivated' ? ('reactivate' as const) : user.status === 'active' ? ('deactivate' as const) : null
  const statusHint = statusAction && !can[statusAction].allowed ? hint(can[statusAction].reason) : null
  const teamsDirty = [...teamIds].sort().join() !== user.teams.map((t) => t.id).sort().join()
  const permsDirty = [...permissions].sort().join() !== [...user.permissions].sort().join()

  return (
    <aside ref={panelRef} className="side-panel" aria-label={t('panel.detailsOf', { name: user.name || user.email })}>
      {header}
      {/* Scrolls with the keyboard too: a Viewer's panel may hold nothing else to focus. */}
      <div className="panel-body" tabIndex={0} role="group" aria-label={t('panel.detailsOf', { name: user.name || user.email })}>
        <div className="panel-identity">
          <Avatar name={user.name || user.email} seed={user.personId} size="lg" src={user.avatar} />
          <div className="panel-identity-text">
            <span className="truncate" title={user.email}>
              {user.email}
            </span>
            <span>
              <Badge tone={user.status === 'active' ? 'green' : user.status === 'deactivated' ? 'grey' : user.status === 'expired' ? 'amber' : 'blue'}>
                {t(STATUS_LABELS[user.status])}
              </Badge>{' '}
              <span className="muted">{roleLabel(t, user.role)}</span>
            </span>
          </div>
        </div>
        {notice ? <Banner tone="info">{notice}</Banner> : null}
        {error && !confirm ? <Banner tone="error">{error}</Banner> : null}

        {canManage && user.role !== 'owner' ? (
          <NameAndPictureForm
            className="panel-section"
            name={user.name}
            hasPicture={user.avatar !== null}
            save={save}
            onError={setError}
            errors={panelForm.fields}
            onEdit={() => {
              panelForm.edited('name')
              setError(null)
            }}
          />
        ) : null}

        <section className="panel-section" aria-label={t('panel.role')}>
          <label className="field-label" htmlFor={roleId}>
            {t('panel.role')}
          </label>
          {can.editRole.allowed ? (
            <select
              id={roleId}
              className="select"
              value={user.role}
              onChange={(e) => {
                setError(null)
                setConfirm({ kind: 'role', role: e.target.value as AssignableRole })
              }}
            >
              {ASSIGNABLE_ROLES.map((role) => (
                <option key={role} value={role}>
                  {roleLabel(t, role)}
                </option>
              ))}
            </select>
          ) : (
            <p id={roleId} className="panel-value">
              {roleLabel(t, user.role)}
              {hint(can.editRole.reason) ? <span className="muted"> — {hint(can.editRole.reason)}</span> : null}
            </p>
          )}
        </section>

        {user.role === 'agent' ? (
          <section className="panel-section">
            {can.editAgentPermissions.allowed ? (
              <>
                <PermissionPicker
                  value={permissions}
                  onChange={(value) => {
                    setPermissions(value)
                    panelForm.edited('permissions')
                  }}
                />
                {panelForm.fields.permissions ? <p className="field-error">{panelForm.fields.permissions}</p> : null}
                <div className="panel-row">
                  <button type="button" className="button button-sm" disabled={!permsDirty} onClick={() => void save({ permissions }, t('panel.permissionsSaved'))}>
                    {t('panel.savePermissions')}
                  </button>
                </div>
              </>
            ) : (
              <>
                <p className="field-label">{t('panel.agentPermissions')}</p>
                <p className="panel-value">{user.permissions.length ? permissionList(t, user.permissions) : t('panel.none')}</p>
              </>
            )}
          </section>
        ) : null}

        <section className="panel-section">
          {can.editTeams.allowed ? (
            <>
              <TeamPicker
                legend={t('panel.teams')}
                teams={teams}
                value={teamIds}
                onChange={(value) => {
                  setTeamIds(value)
                  panelForm.edited('teamIds')
                }}
              />
              {panelForm.fields.teamIds ? <p className="field-error">{panelForm.fields.teamIds}</p> : null}
              <div className="panel-row">
                <button type="button" className="button button-sm" disabled={!teamsDirty} onClick={() => void save({ teamIds }, t('panel.teamsSaved'))}>
                  {t('panel.saveTeams')}
                </button>
              </div>
            </>
          ) : (
            <>
              <p className="field-label">{t('panel.teams')}</p>
              <p className="panel-value">{user.teams.length ? user.teams.map((team) => team.name).join(', ') : t('panel.none')}</p>
            </>
          )}
        </section>

        {user.invitation ? (
          <section className="panel-section" aria-label={t('panel.invitation')}>
            <p className="field-label">{t('panel.invitation')}</p>
            <p className="panel-value">
              {t('panel.invitationLine', {
                state: user.invitation.state,
                sent: formatDateTime(user.invitation.sentAt),
                hasBy: user.invitation.invitedBy ? 'yes' : 'no',
                by: user.invitation.invitedBy ?? '',
                expires: formatDateTime(user.invitation.expiresAt)
              })}
            </p>
            {canManage ? (
              <div className="panel-row">
                <button type="button" className="button button-sm" onClick={() => void resend()}>
                  {t('panel.resend')}
                </button>
                <button type="button" className="button button-sm" onClick={() => setConfirm({ kind: 'revoke' })}>
                  {t('panel.revoke')}
                </button>
              </div>
            ) : null}
            {resent ? <InvitationResults deliveries={[resent]} /> : null}
          </section>
        ) : null}

        <section className="panel-section">
          <p className="muted panel-meta">
            {t('panel.lastLogin', { when: user.lastLoginAt ? formatDateTime(user.lastLoginAt, { zone: true }) : t('panel.never') })}
            {user.deactivatedAt ? t('panel.deactivatedAt', { when: formatDateTime(user.deactivatedAt, { zone: true }) }) : ''}
          </p>
          {can.reactivate.allowed || can.deactivate.allowed ? (
            <div className="panel-row">
              {can.reactivate.allowed ? (
                <button type="button" className="button button-sm" onClick={() => setConfirm({ kind: 'reactivate' })}>
                  {t('panel.reactivate')}
                </button>
              ) : null}
              {can.deactivate.allowed ? (
                <button type="button" className="button button-sm button-danger" onClick={() => setConfirm({ kind: 'deactivate' })}>
                  {t('panel.deactivate')}
                </button>
              ) : null}
            </div>
          ) : null}
          {statusHint ? <p className="muted panel-hint">{statusHint}</p> : null}
          {can.resetPassword.allowed ? (
            <div className="panel-row">
              <button type="button" className="button button-sm" onClick={() => setConfirm({ kind: 'reset-password' })}>
                {t('panel.resetPassword')}
              </button>
            </div>
          ) : null}
          {resetLink && resetLink.delivery === 'link' ? <InvitationResults deliveries={[resetLink]} /> : null}
          {can.transferOwnership.allowed ? (
            <div className="panel-row">
              <button type="button" className="button button-sm" onClick={() => setConfirm({ kind: 'transfer' })}>
                {t('panel.transfer')}
              </button>
            </div>
          ) : null}
        </section>
        {canReadAudit && user.status !== 'invited' && user.status !== 'expired' ? <LoginHistory membershipId={user.id} canManage={canManage} name={user.name || user.email} /> : null}
        {canReadAudit && user.status !== 'invited' && user.status !== 'expired' ? <RecentActivity personId={user.personId} /> : null}
      </div>

      {confirm ? (
        <PanelConfirm
          confirm={confirm}
          user={user}
          busy={busy}
          error={error}
          password={password}
          onPassword={setPassword}
          onConfirm={() => void runConfirm(confirm)}
          onCancel={() => {
            setConfirm(null)
            setError(null)
            setPassword('')
          }}
        />
      ) : null}
    </aside>
  )
}

/** The confirmation of one panel action (exported for its unit test). */
export function PanelConfirm(props: {
  confirm: Confirm
  user: UserDetail
  busy: boolean
  error: string | null
  password: string
  onPassword(value: string): void
  onConfirm(): void
  onCancel(): void
}): JSX.Element {
  const { confirm, user, busy, error, password, onPassword, onConfirm, onCancel } = props
  const who = user.name || user.email
  const t = useT()
  const common = { busy, error, onConfirm, onCancel }
  switch (confirm.kind) {
    case 'role': {
      // What the core says a role change clears: an Agent's permissions (the select offers an Agent only other roles).
      const cleared = user.capabilities.editRole.clearsAgentPermissions
      return (
        <ConfirmDialog {...common} title={t('confirm.role.title', { name: who, role: roleLabel(t, confirm.role) })} confirmLabel={t('confirm.role.label', { role: roleLabel(t, confirm.role) })}>
          {confirm.role === 'admin' ? (
            <p>{t('confirm.role.admin', { name: who })}</p>
          ) : (
            <p>{t('confirm.role.other')}</p>
          )}
          {cleared.length ? (
            <p data-testid="role-change-clears">{t('confirm.role.clears', { permissions: permissionList(t, cleared) })}</p>
          ) : null}
        </ConfirmDialog>
      )
    }
    case 'deactivate':
      return (
        <ConfirmDialog {...common} tone="danger" title={t('confirm.deactivate.title', { name: who })} confirmLabel={t('panel.deactivate')}>
          <p>{t('confirm.deactivate.body')}</p>
        </ConfirmDialog>
      )
    case 'reactivate':
      return (
        <ConfirmDialog {...common} title={t('confirm.reactivate.title', { name: who })} confirmLabel={t('panel.reactivate')}>
          <p>{t('confirm.reactivate.body', { role: roleLabel(t, user.role) })}</p>
        </ConfirmDialog>
      )
    case 'revoke':
      return (
        <ConfirmDialog {...common} tone="danger" title={t('confirm.revoke.title', { email: user.email })} confirmLabel={t('confirm.revoke.label')}>
          <p>{t('confirm.revoke.body')}</p>
        </ConfirmDialog>
      )
    case 'reset-password':
      return (
        <ConfirmDialog {...common} title={t('confirm.reset.title', { name: who })} confirmLabel={t('confirm.reset.label')}>
          <p>{t('confirm.reset.body', { name: who, hours: PASSWORD_RESET_VALID_HOURS })}</p>
          <p>{t('confirm.reset.current')}</p>
        </ConfirmDialog>
      )
    case 'transfer':
      return (
        <ConfirmDialog
          {...common}
          tone="danger"
          title={t('confirm.transfer.title', { name: who })}
          confirmLabel={t('confirm.transfer.label')}
          confirmDisabled={password.length === 0}
          extra={<TextField label={t('confirm.transfer.password')} type="password" autoComplete="current-password" value={password} onChange={(e) => onPassword(e.target.value)} autoFocus />}
        >
          <p>{t('confirm.transfer.body', { name: who })}</p>
        </ConfirmDialog>
      )
  }
}
