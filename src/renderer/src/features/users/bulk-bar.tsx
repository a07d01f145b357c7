import { useState, type JSX } from 'react'
import { ConfirmDialog } from '../../components/dialog'
import { formatCount, plural } from '../../components/format'
import { getBridge } from '../../app/bridge'
import { ASSIGNABLE_ROLES, type AssignableRole, type InvitationDelivery } from '../../../../shared/contract/users'
import { ROLE_LABELS } from '../../../../shared/permissions'
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
  const count = selected.size
  const who = plural(count, 'person', 'people')
  // The selection keeps each ticked person's role (ticked rows, or every match as the core listed them).
  let agents = 0
  for (const role of selected.values()) if (role === 'agent') agents += 1
  const teamName = (id: string): string => teams.find((team) => team.id === id)?.name ?? 'the team'

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
  const leftOutText = [unchangeable.owner && leftOut.includes(unchangeable.owner) ? 'the Owner' : null, unchangeable.you && leftOut.includes(unchangeable.you) && unchangeable.you !== unchangeable.owner ? 'you' : null]
    .filter(Boolean)
    .join(' and ')

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
        text: `Invitations resent: ${plural(sent.value.invited.length, 'person', 'people')}${emailed ? `, ${formatCount(emailed)} by email` : ''}${links.length ? `, ${formatCount(links.length)} as links to pass on` : ''}. Earlier links no longer work.`
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
    setNotice({ tone: 'success', text: `${doneText(current)}: ${plural(result.value.changed, 'person', 'people')} changed${result.value.unchanged ? `, ${formatCount(result.value.unchanged)} already so` : ''}.` })
  }

  const changing = (kind: Action['kind']) => (leavesOut(kind) ? plural(count - leftOut.length, 'person', 'people') : who)
  const staying = (kind: Action['kind'], change: string) => (leavesOut(kind) ? ` ${capitalize(leftOutText)} ${leftOutText === 'the Owner' ? 'stays' : 'stay'} as before: ${change} never includes the Owner or yourself.` : '')
  const confirmText: Record<Action['kind'], () => { title: string; body: string; label: string }> = {
    role: () => {
      const role = (action as { role: AssignableRole }).role
      const access =
        role === 'admin' ? `This grants full access immediately to ${who}. Their open windows change at once.` : `Their access changes at once, open windows included.`
      // The core clears the agent permissions of an Agent changed to another role.
      const clears = role !== 'agent' && agents > 0 ? ` ${agentsAmong(agents, count)}: their agent permissions will be cleared.` : ''
      return {
        title: `Make ${changing('role')} ${ROLE_LABELS[role]}?`,
        body: access + clears + staying('role', 'a role change'),
        label: `Change role`
      }
    },
    'add-team': () => ({ title: `Add ${who} to ${teamName((action as { teamId: string }).teamId)}?`, body: 'People already in the team stay as they are.', label: 'Add to team' }),
    'remove-team': () => ({ title: `Remove ${who} from ${teamName((action as { teamId: string }).teamId)}?`, body: 'They stay in the account.', label: 'Remove from team' }),
    deactivate: () => ({
      title: `Deactivate ${changing('deactivate')}?`,
      body: 'Their sessions end at once and their seats are freed. Their history is kept; you can reactivate them later.' + staying('deactivate', 'a deactivation'),
      label: 'Deactivate'
    }),
    resend: () => ({
      title: `Resend the invitations of ${who}?`,
      body: 'Each gets a new link valid for 7 days, by email when the account sends mail, otherwise shown to you once; earlier links stop working. An expired invitation takes its seat again. If anyone selected has already joined, or there are not enough free seats, nothing is resent.',
      label: 'Resend invitations'
    }),
    reactivate: () => ({
      title: `Reactivate ${who}?`,
      body: 'They can sign in again, and each takes a seat. People already active stay as they are. If any of them is still invited, or there are not enough free seats, nobody is changed (an invitation is resent instead).',
      label: 'Reactivate'
    })
  }
  const text = action ? confirmText[action.kind]() : null
  const doneText = (done: Action): string =>
    done.kind === 'role'
      ? `Role changed to ${ROLE_LABELS[done.role]}`
      : done.kind === 'add-team'
        ? `Added to ${teamName(done.teamId)}`
        : done.kind === 'remove-team'
          ? `Removed from ${teamName(done.teamId)}`
          : done.kind === 'reactivate'
            ? 'Reactivated'
            : 'Deactivated'
  // "Select all N matching" when more match than are ticked (a capped search names no exact N).
  const offerAll = !allMatching && matching !== null && (matching.capped || matching.n > count)

  return (
    <div className="bulk-bar" role="region" aria-label="Bulk actions">
      <span className="bulk-bar-count" aria-live="polite">
        {allMatching ? `All ${formatCount(count)} matching selected` : `${formatCount(count)} selected`}
      </span>
      {offerAll ? (
        <button type="button" className="button button-sm button-ghost" disabled={selecting} onClick={() => void selectAll()}>
          {selecting ? 'Selecting…' : matching!.capped ? 'Select every match' : `Select all ${formatCount(matching!.n)} matching`}
        </button>
      ) : null}
      <label className="visually-hidden" htmlFor="bulk-role">
        Change role of selected
      </label>
      <select id="bulk-role" className="select" value="" onChange={(e) => e.target.value && choose({ kind: 'role', role: e.target.value as AssignableRole })}>
        <option value="">Change role…</option>
        {ASSIGNABLE_ROLES.map((role) => (
          <option key={role} value={role}>
            {ROLE_LABELS[role]}
          </option>
        ))}
      </select>
      <label className="visually-hidden" htmlFor="bulk-add-team">
        Add selected to team
      </label>
      <select id="bulk-add-team" className="select" value="" onChange={(e) => e.target.value && choose({ kind: 'add-team', teamId: e.target.value })}>
        <option value="">Add to team…</option>
        {teams.map((team) => (
          <option key={team.id} value={team.id}>
            {team.name}
          </option>
        ))}
      </select>
      <label className="visually-hidden" htmlFor="bulk-remove-team">
        Remove selected from team
      </label>
      <select id="bulk-remove-team" className="select" value="" onChange={(e) => e.target.value && choose({ kind: 'remove-team', teamId: e.target.value })}>
        <option value="">Remove from team…</option>
        {teams.map((team) => (
          <option key={team.id} value={team.id}>
            {team.name}
          </option>
        ))}
      </select>
      <button type="button" className="button button-sm" onClick={() => choose({ kind: 'deactivate' })}>
        Deactivate
      </button>
      <button type="button" className="button button-sm" onClick={() => choose({ kind: 'reactivate' })}>
        Reactivate
      </button>
      <button type="button" className="button button-sm" onClick={() => choose({ kind: 'resend' })}>
        Resend invitations
      </button>
      <button type="button" className="button button-sm button-ghost" onClick={() => setSelected([])}>
        Clear selection
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
          <p className="muted">All or nothing: if any one of them cannot be changed, nobody is.</p>
        </ConfirmDialog>
      ) : null}
      {resent ? <InvitationsSentDialog title={`${plural(resent.length, 'invitation', 'invitations')} to pass on`} deliveries={resent}
          onClose={() => {
            setResent(null)
            setSelected([])
          }}
        /> : null}
    </div>
  )
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** "They are an Agent", "All of them are Agents", "2 of them are Agents". */
function agentsAmong(agents: number, count: number): string {
  if (agents === count) return count === 1 ? 'They are an Agent' : 'All of them are Agents'
  return `${formatCount(agents)} of them ${agents === 1 ? 'is an Agent' : 'are Agents'}`
}
