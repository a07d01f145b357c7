import { useRef, type JSX } from 'react'
import { createColumnHelper } from '@tanstack/react-table'
import { Avatar } from '../../components/avatar'
import { Badge, type BadgeTone } from '../../components/badge'
import { formatDateTime, formatRelative, isoDateTime } from '../../components/format'
import type { DataTableFeatures } from '../../components/data-table'
import { t, type MessageKey } from '../../i18n/i18n'
import { roleLabel } from '../../i18n/labels'
import type { UserRow } from '../../../../shared/contract/users'
import { useUsers, type UserStatus } from './users-store'

export const STATUS_LABELS: Record<UserStatus, MessageKey> = {
  active: 'status.active',
  invited: 'status.invited',
  expired: 'status.expired',
  deactivated: 'status.deactivated'
}

const STATUS_TONES: Record<UserStatus, BadgeTone> = {
  active: 'green',
  invited: 'blue',
  expired: 'amber',
  deactivated: 'grey'
}

const helper = createColumnHelper<DataTableFeatures, UserRow>()

function SelectCell({ row }: { row: UserRow }): JSX.Element {
  const checked = useUsers((s) => s.selected.has(row.id))
  const toggle = useUsers((s) => s.toggleSelected)
  // A Shift-click ticks (or unticks) every row from the last one ticked to this one.
  const shift = useRef(false)
  return (
    <input
      type="checkbox"
      className="row-check"
      aria-label={t('users.selectOne', { name: row.name || row.email })}
      checked={checked}
      // Inside the grid (one tab stop): reached by clicking, or ticked with Space on the row.
      tabIndex={-1}
      // The row opens the detail panel on click; ticking must not.
      onClick={(event) => {
        event.stopPropagation()
        shift.current = event.shiftKey
      }}
      onChange={() => {
        void toggle(row, shift.current)
        shift.current = false
      }}
    />
  )
}

function SelectAllHeader(): JSX.Element {
  const rows = useUsers((s) => s.rows)
  const selected = useUsers((s) => s.selected)
  const setSelected = useUsers((s) => s.setSelected)
  const loaded = rows.filter((row): row is UserRow => row !== undefined)
  const all = loaded.length > 0 && loaded.every((row) => selected.has(row.id))
  return (
    <input
      type="checkbox"
      className="row-check"
      aria-label={t('users.selectAll')}
      checked={all}
      // Reached with the arrow keys from the first row (the grid is one tab stop).
      tabIndex={-1}
      ref={(input) => {
        if (input) input.indeterminate = !all && selected.size > 0
      }}
      onChange={() => setSelected(all ? [] : loaded)}
    />
  )
}

const selectColumn = helper.display({
  id: 'select',
  header: () => <SelectAllHeader />,
  cell: (info) => <SelectCell row={info.row.original} />
})

const teamsColumn = helper.accessor('teams', {
  id: 'teams',
  header: () => t('users.col.teams'),
  enableSorting: false,
  cell: (info) => {
    const names = info.getValue().map((team) => team.name)
    return names.length === 0 ? (
      <span className="muted">—</span>
    ) : (
      <span className="truncate" title={names.join(', ')}>
        {names.join(', ')}
      </span>
    )
  }
})

/** Column ids double as the core's sort keys (name, email, lastLogin). */
const baseColumns = helper.columns([
  helper.accessor('name', {
    id: 'name',
    header: () => t('users.col.name'),
    cell: (info) => (
      <>
        <Avatar name={info.getValue() || info.row.original.email} seed={info.row.original.personId} src={info.row.original.avatar} />
        <span className="truncate user-name" title={info.getValue()}>
          {info.getValue() || <span className="muted">{t('users.noNameYet')}</span>}
        </span>
      </>
    )
  }),
  helper.accessor('email', {
    id: 'email',
    header: () => t('users.col.email'),
    cell: (info) => (
      <span className="truncate muted" title={info.getValue()}>
        {info.getValue()}
      </span>
    )
  }),
  helper.accessor('role', {
    id: 'role',
    header: () => t('users.col.role'),
    enableSorting: false,
    cell: (info) => <span className="truncate">{roleLabel(t, info.getValue())}</span>
  }),
  helper.accessor('status', {
    id: 'status',
    header: () => t('users.col.status'),
    enableSorting: false,
    cell: (info) => <Badge tone={STATUS_TONES[info.getValue()]}>{t(STATUS_LABELS[info.getValue()])}</Badge>
  }),
  helper.accessor('lastLoginAt', {
    id: 'lastLogin',
    header: () => t('users.col.lastLogin'),
    // Most recent first is what an admin means by "sort by last login".
    sortDescFirst: true,
    cell: (info) => {
      const at = info.getValue()
      return at === null ? (
        <span className="muted">{t('users.never')}</span>
      ) : (
        <time className="truncate" dateTime={isoDateTime(at)} title={formatDateTime(at, { zone: true })}>
          {formatRelative(at)}
        </time>
      )
    }
  })
])

const [nameColumn, emailColumn, roleColumn, statusColumn, lastLoginColumn] = baseColumns

const readColumns = helper.columns([nameColumn, emailColumn, roleColumn, teamsColumn, statusColumn, lastLoginColumn])
const manageColumns = helper.columns([selectColumn, nameColumn, emailColumn, roleColumn, teamsColumn, statusColumn, lastLoginColumn])

// With the detail panel open the list narrows: teams and last login are in the panel anyway.
const compactReadColumns = helper.columns([nameColumn, emailColumn, roleColumn, statusColumn])
const compactManageColumns = helper.columns([selectColumn, nameColumn, emailColumn, roleColumn, statusColumn])

/** The checkbox column exists only for people who can act on a selection. */
export function userColumns(
  selectable: boolean,
  compact: boolean
): typeof readColumns | typeof manageColumns | typeof compactReadColumns | typeof compactManageColumns {
  if (compact) return selectable ? compactManageColumns : compactReadColumns
  return selectable ? manageColumns : readColumns
}

const GRID = 'minmax(170px, 1.4fr) minmax(200px, 1.8fr) 64px minmax(120px, 1fr) 140px minmax(100px, 0.8fr)'
const COMPACT_GRID = 'minmax(130px, 1.2fr) minmax(150px, 1.6fr) 64px 140px'
/** A window narrower than NARROW_WINDOW (down to 1024 px): every column, narrower (names and emails truncate with their full text on hover). */
const NARROW_GRID = 'minmax(120px, 1.3fr) minmax(130px, 1.5fr) 64px minmax(80px, 1fr) 132px minmax(96px, 0.8fr)'
export function userGrid(selectable: boolean, compact: boolean, narrow = false): string {
  const grid = compact ? COMPACT_GRID : narrow ? NARROW_GRID : GRID
  return selectable ? `20px ${grid}` : grid
}
