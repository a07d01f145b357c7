import { useCallback, useEffect, useRef, useState, type JSX } from 'react'
import { Avatar } from '../../components/avatar'
import { Banner } from '../../components/banner'
import { ConfirmDialog } from '../../components/dialog'
import { CloseIcon } from '../../components/icons'
import { formatCount } from '../../components/format'
import { useDismiss } from '../../components/use-dismiss'
import { getBridge } from '../../app/bridge'
import { useDataChanged } from '../../app/data-events'
import type { TeamDto } from '../../../../shared/contract/teams'
import type { UserRow } from '../../../../shared/contract/users'
import { MemberPicker, type Chosen } from './member-picker'
import { TeamDialog } from './team-dialog'
import { t as tr, useT } from '../../i18n/i18n'

const MEMBERS_SHOWN = 200

/** One team: its members, adding and removing them, editing and deleting the team. */
export function TeamPanel({ team, canManage, onClose }: { team: TeamDto; canManage: boolean; onClose(): void }): JSX.Element {
  const [members, setMembers] = useState<UserRow[]>([])
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [adding, setAdding] = useState<Chosen[]>([])
  const [editing, setEditing] = useState(false)
  const [deleting, setDeleting] = useState(false)
  const [busy, setBusy] = useState(false)
  const t = useT()
  const panelRef = useRef<HTMLElement>(null)
  // Escape (when no dialog is open) and the close button; focus goes back to the row.
  const close = useDismiss(panelRef, onClose)

  const [version, setVersion] = useState(0)
  const load = useCallback(() => setVersion((v) => v + 1), [])
  useEffect(() => {
    let live = true
    void getBridge()
      .invoke('users:list', { teamId: team.id, sort: 'name', direction: 'asc', limit: MEMBERS_SHOWN })
      .then((result) => {
        if (!live) return
        if (result.ok) {
          setMembers(result.value.rows)
          setError(null)
        } else setError(tr('team.loadMembersFailed', { error: result.error.message }))
      })
    return () => {
      live = false
    }
  }, [team.id, version])
  useDataChanged('teams', () => load())

  async function add(): Promise<void> {
    setError(null)
    const result = await getBridge().invoke('teams:add-members', { teamId: team.id, membershipIds: adding.map((c) => c.id) })
    if (!result.ok) {
      setError(result.error.message)
      return
    }
    setAdding([])
    setNotice(t('team.added', { count: result.value.changed }))
  }

  async function remove(row: UserRow): Promise<void> {
    setError(null)
    const result = await getBridge().invoke('teams:remove-members', { teamId: team.id, membershipIds: [row.id] })
    if (!result.ok) setError(result.error.message)
    else setNotice(t('team.removed', { name: row.name || row.email, team: team.name }))
  }

  async function destroy(): Promise<void> {
    setBusy(true)
    const result = await getBridge().invoke('teams:delete', { teamId: team.id })
    setBusy(false)
    if (!result.ok) {
      setError(result.error.message)
      return
    }
    setDeleting(false)
    close()
  }

  return (
    <aside ref={panelRef} className="side-panel" aria-label={t('team.label', { name: team.name })}>
      <header className="panel-header">
        <h2 className="panel-title truncate">{team.name}</h2>
        <button type="button" className="button button-ghost button-sm" onClick={close} aria-label={t('team.close')}>
          <CloseIcon />
        </button>
      </header>
      <div className="panel-body">
        {team.description ? <p className="panel-value">{team.description}</p> : null}
        {notice ? <Banner tone="info">{notice}</Banner> : null}
        {error && !deleting ? <Banner tone="error">{error}</Banner> : null}
        {canManage ? (
          <div className="panel-row">
            <button type="button" className="button button-sm" onClick={() => setEditing(true)}>
              {t('team.edit')}
            </button>
            <button type="button" className="button button-sm button-danger" onClick={() => setDeleting(true)}>
              {t('team.delete')}
            </button>
          </div>
        ) : null}
        <section className="panel-section" aria-label={t('team.members')}>
          <p className="field-label">{t('teams.members', { count: team.memberCount })}</p>
          <ul className="team-members">
            {members.map((row) => (
              <li key={row.id} className="team-member">
                <Avatar name={row.name || row.email} seed={row.personId} size="sm" src={row.avatar} />
                <span className="truncate team-member-name" title={row.email}>
                  {row.name || row.email}
                </span>
                {canManage ? (
                  <button type="button" className="button button-ghost button-sm" onClick={() => void remove(row)} aria-label={t('team.removeLabel', { name: row.name || row.email, team: team.name })}>
                    {t('team.remove')}
                  </button>
                ) : null}
              </li>
            ))}
            {members.length === 0 ? <li className="muted">{t('team.nobody')}</li> : null}
          </ul>
          {team.memberCount > members.length && members.length > 0 ? (
            <p className="muted panel-meta">{t('team.showingFirst', { count: formatCount(members.length) })}</p>
          ) : null}
        </section>
        {canManage ? (
          <section className="panel-section">
            <MemberPicker
              label={t('team.addMembers')}
              chosen={adding}
              onChange={(value) => {
                setAdding(value)
                setError(null)
              }}
              exclude={new Set(members.map((m) => m.id))}
            />
            <div className="panel-row">
              <button type="button" className="button button-sm button-primary" disabled={adding.length === 0} onClick={() => void add()}>
                {adding.length > 0 ? t('team.addPeople', { count: adding.length }) : t('team.addMembers')}
              </button>
            </div>
          </section>
        ) : null}
      </div>
      {editing ? <TeamDialog team={team} onClose={() => setEditing(false)} /> : null}
      {deleting ? (
        <ConfirmDialog
          title={t('team.deleteTitle', { team: team.name })}
          tone="danger"
          confirmLabel={t('team.delete')}
          busy={busy}
          error={error}
          onConfirm={() => void destroy()}
          onCancel={() => {
            setDeleting(false)
            setError(null)
          }}
        >
          <p>{t('team.deleteBody', { count: team.memberCount })}</p>
        </ConfirmDialog>
      ) : null}
    </aside>
  )
}
