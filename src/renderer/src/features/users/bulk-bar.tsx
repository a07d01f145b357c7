import { useState, type JSX } from 'react'
import { ConfirmDialog } from '../../components/dialog'
import { formatCount } from '../../components/format'
import { getBridge } from '../../app/bridge'
import { ASSIGNABLE_ROLES, type AssignableRole, type InvitationDelivery } from '../../../../shared/contract/users'
import { useT, type Translate } from '../../i18n/i18n'
import { roleLabel } from '../../i18n/labels'
import { useTeams } from '../teams/teams-store'
import { InvitationsSentDialog } from './invite-dialog'
import { useUsers } from './users-store'

type Action =
  | { kind: 'role'; role: AssignableRole }
  | { kind: 'add-team'; teamId: string }
  | { kind: 'remove-team'; teamId: string }
  | { kind: 'deactivate' }
  | { kind: 'reactivate' }
  | { kind: 'resend' }

/**
 * Acts on the ticked people at once; the core applies all or nothing and says why when it refuses.
 * What a change did stays on screen after the bar closes (the users store's notice).
 */
export function BulkBar({ matching }: { matching: { n: number; capped: boolean } | null }): JSX.Element {
  const selected = useUsers((s) => s.selected)
  const allMatching = useUsers((s) => s.allMatching)
  const unchangeable = useUsers((s) => s.unchangeable)
  const { setSelected, selectAllMatching, setNotice } = useUsers.getState()
  const teams = useTeams((s) => s.teams)
  const [action, setAction] = useState<Action | null>(null)
  const [busy, setBusy] = useState(false)
  const [selecting, setSelecting] = useState(false)
  const [error, setError] = useState<string | null>(null)
  // Resent invitations whose links must be passed on by hand (no mail server, or sending failed).
  const [resent, setResent] = useState<InvitationDelivery[] | null>(null)
  const t = useT()
  const count = selected.size
  const who = t('bulk.people', { count })
  // The selection keeps each ticked person's role (ticked rows, or every match as the core listed them).
  let agents = 0
  for (const role of selected.values()) if (role === 'agent') agents += 1
  const teamName = (id: string): string => teams.find((team) => team.id === id)?.name ?? t('bulk.theTeam')

  function choose(next: Action): void {
    setError(null)
    setNotice(null)
    setAction(next)
  }

  async function selectAll(): Promise<void> {
    setSelecting(true)
    await selectAllMatching()
    setSelecting(false)
  }

  // Every match was selected: a role change or a deactivation leaves out the Owner and the caller
  // (the core refuses a selection holding them); a team change takes them too. Ticked by hand,
  // they stay in, and the core says why it refuses.
  // (The Owner asking is both: one person.)
  const leftOut = allMatching ? [...new Set([unchangeable.owner, unchangeable.you])].filter((id): id is string => id !== null && selected.has(id)) : []
  const leavesOut = (kind: Action['kind']) => (kind === 'role' || kind === 'deactivate') && leftOut.length > 0
  const ownerLeftOut = unchangeable.owner !== null && leftOut.includes(unchangeable.owner)
  const youLeftOut = unchangeable.you !== null && leftOut.includes(unchangeable.you) && unchangeable.you !== unchangeable.owner
  const leftOutWho = ownerLeftOut && youLeftOut ? 'both' : ownerLeftOut ? 'owner' : 'you'

  async function run(current: Action): Promise<void> {
    setBusy(true)
    const membershipIds = [...selected.keys()].filter((id) => !leavesOut(current.kind) || !leftOut.includes(id))
    const bridge = getBridge()
    if (current.kind === 'resend') {
      const sent = await bridge.invoke('users:bulk-resend-invitations', { membershipIds })
      setBusy(false)
      if (!sent.ok) {
        setError(sent.error.message)
        return
      }
      setAction(null)
      const emailed = sent.value.invited.filter((d) => d.delivery === 'email').length
      const links = sent.value.invited.filter((d) => d.delivery === 'link')
      setNotice({
        tone: 'success',
        text: t('bulk.resent', { people: t('bulk.people', { count: sent.value.invited.length }), emailed, links: links.length })
      })
      // The links are shown before the selection goes (the bar, and the dialog in it, close with it).
      if (links.length) setResent(links)
      else setSelected([])
      return
    }
    const result =
      current.kind === 'role'
        ? await bridge.invoke('users:bulk-set-role', { membershipIds, role: current.role })
        : current.kind === 'add-team'
          ? await bridge.invoke('users:bulk-add-team', { membershipIds, teamId: current.teamId })
          : current.kind === 'remove-team'
            ? await bridge.invoke('users:bulk-remove-team', { membershipIds, teamId: current.teamId })
            : current.kind === 'reactivate'
              ? await bridge.invoke('users:bulk-reactivate', { membershipIds })
              : await bridge.invoke('users:bulk-deactivate', { membershipIds })
    setBusy(false)
    if (!result.ok) {
      setError(result.error.message)
      return
    }
    setAction(null)
    setSelected([])
    setNotice({ tone: 'success', text: t('bulk.done', { action: doneText(current), people: t('bulk.people', { count: result.value.changed }), unchanged: result.value.unchanged }) })
  }

  const changing = (kind: Action['kind']) => (leavesOut(kind) ? t('bulk.people', { count: count - leftOut.length }) : who)
  const staying = (kind: 'role' | 'deactivate') => (leavesOut(kind) ? t('bulk.staying', { who: leftOutWho, change: kind }) : '')
  const confirmText: Record<Action['kind'], () => { title: string; body: string; label: string }> = {
    role: () => {
      const role = (action as { role: AssignableRole }).role
      const access =
        role === 'admin' ? t('bulk.role.admin', { people: who }) : t('bulk.role.other')
      // The core clears the agent permissions of an Agent changed to another role.
      const clears = role !== 'agent' && agents > 0 ? t('bulk.role.clears', { agents: agentsAmong(t, agents, count) }) : ''
      return {
        title: t('bulk.role.title', { people: changing('role'), role: roleLabel(t, role) }),
        body: access + clears + staying('role'),
        label: t('bulk.role.label')
      }
    },
    'add-team': () => ({
      title: t('bulk.addTeam.title', { people: who, team: teamName((action as { teamId: string }).teamId) }),
      body: t('bulk.addTeam.body'),
      label: t('bulk.addTeam.label')
    }),
    'remove-team': () => ({
      title: t('bulk.removeTeam.title', { people: who, team: teamName((action as { teamId: string }).teamId) }),
      body: t('bulk.removeTeam.body'),
      label: t('bulk.removeTeam.label')
    }),
    deactivate: () => ({
      title: t('bulk.deactivate.title', { people: changing('deactivate') }),
      body: t('bulk.deactivate.body') + staying('deactivate'),
      label: t('bulk.deactivate')
    }),
    resend: () => ({
      title: t('bulk.resend.title', { people: who }),
      body: t('bulk.resend.body'),
      label: t('bulk.resend.label')
    }),
    reactivate: () => ({
      title: t('bulk.reactivate.title', { people: who }),
      body: t('bulk.reactivate.body'),
      label: t('bulk.reactivate')
    })
  }
  const text = action ? confirmText[action.kind]() : null
  const doneText = (done: Action): string =>
    done.kind === 'role'
      ? t('bulk.doneRole', { role: roleLabel(t, done.role) })
      : done.kind === 'add-team'
        ? t('bulk.doneAdd', { team: teamName(done.teamId) })
        : done.kind === 'remove-team'
          ? t('bulk.doneRemove', { team: teamName(done.teamId) })
          : done.kind === 'reactivate'
            ? t('bulk.doneReactivate')
            : t('bulk.doneDeactivate')
  // "Select all N matching" when more match than are ticked (a capped search names no exact N).
  const offerAll = !allMatching && matching !== null && (matching.capped || matching.n > count)

  return (
    <div className="bulk-bar" role="region" aria-label={t('bulk.region')}>
      <span className="bulk-bar-count" aria-live="polite">
        {allMatching ? t('bulk.allMatchingSelected', { count: formatCount(count) }) : t('bulk.selected', { count: formatCount(count) })}
      </span>
      {offerAll ? (
        <button type="button" className="button button-sm button-ghost" disabled={selecting} onClick={() => void selectAll()}>
          {selecting ? t('bulk.selecting') : matching!.capped ? t('bulk.selectEvery') : t('bulk.selectAll', { count: formatCount(matching!.n) })}
        </button>
      ) : null}
      <label className="visually-hidden" htmlFor="bulk-role">
        {t('bulk.changeRoleLabel')}
      </label>
      <select id="bulk-role" className="select" value="" onChange={(e) => e.target.value && choose({ kind: 'role', role: e.target.value as AssignableRole })}>
        <option value="">{t('bulk.changeRole')}</option>
        {ASSIGNABLE_ROLES.map((role) => (
          <option key={role} value={role}>
            {roleLabel(t, role)}
          </option>
        ))}
      </select>
      <label className="visually-hidden" htmlFor="bulk-add-team">
        {t('bulk.addLabel')}
      </label>
      <select id="bulk-add-team" className="select" value="" onChange={(e) => e.target.value && choose({ kind: 'add-team', teamId: e.target.value })}>
        <option value="">{t('bulk.add')}</option>
        {teams.map((team) => (
          <option key={team.id} value={team.id}>
            {team.name}
          </option>
        ))}
      </select>
      <label className="visually-hidden" htmlFor="bulk-remove-team">
        {t('bulk.removeLabel')}
      </label>
      <select id="bulk-remove-team" className="select" value="" onChange={(e) => e.target.value && choose({ kind: 'remove-team', teamId: e.target.value })}>
        <option value="">{t('bulk.remove')}</option>
        {teams.map((team) => (
          <option key={team.id} value={team.id}>
            {team.name}
          </option>
        ))}
      </select>
      <button type="button" className="button button-sm" onClick={() => choose({ kind: 'deactivate' })}>
        {t('bulk.deactivate')}
      </button>
      <button type="button" className="button button-sm" onClick={() => choose({ kind: 'reactivate' })}>
        {t('bulk.reactivate')}
      </button>
      <button type="button" className="button button-sm" onClick={() => choose({ kind: 'resend' })}>
        {t('bulk.resend')}
      </button>
      <button type="button" className="button button-sm button-ghost" onClick={() => setSelected([])}>
        {t('bulk.clear')}
      </button>
      {action && text ? (
        <ConfirmDialog
          title={text.title}
          confirmLabel={text.label}
          tone={action.kind === 'deactivate' ? 'danger' : 'primary'}
          busy={busy}
          error={error}
          onConfirm={() => void run(action)}
          onCancel={() => setAction(null)}
        >
          <p>{text.body}</p>
          <p className="muted">{t('bulk.allOrNothing')}</p>
        </ConfirmDialog>
      ) : null}
      {resent ? <InvitationsSentDialog title={t('bulk.toPassOn', { count: resent.length })} deliveries={resent}
          onClose={() => {
            setResent(null)
            setSelected([])
          }}
        /> : null}
    </div>
  )
}

/** "They are an Agent", "All of them are Agents", "2 of them are Agents". */
function agentsAmong(t: Translate, agents: number, count: number): string {
  return agents === count ? t('bulk.agentsAll', { count }) : t('bulk.agentsSome', { agents })
}
