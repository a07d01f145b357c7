import { createColumnHelper } from '@tanstack/react-table'
import { Avatar } from '../../components/avatar'
import { Badge, type BadgeTone } from '../../components/badge'
import { formatAbsolute, formatRelative } from '../../components/format'
import type { DataTableFeatures } from '../../components/data-table'
import { ROLE_LABELS } from '../../../../shared/permissions'
import type { UserRow } from '../../../../shared/contract/users'
import type { UserStatus } from './users-store'

export const STATUS_LABELS: Record<UserStatus, string> = {
  active: 'Active',
  invited: 'Invited',
  expired: 'Expired invitation',
  deactivated: 'Deactivated'
}

const STATUS_TONES: Record<UserStatus, BadgeTone> = {
  active: 'green',
  invited: 'blue',
  expired: 'amber',
  deactivated: 'grey'
}

const helper = createColumnHelper<DataTableFeatures, UserRow>()

/** Column ids double as the core's sort keys (name, email, lastLogin). */
export const userColumns = helper.columns([
  helper.accessor('name', {
    id: 'name',
    header: 'Name',
    cell: (info) => (
      <>
        <Avatar name={info.getValue()} seed={info.row.original.personId} />
        <span className="truncate user-name" title={info.getValue()}>
          {info.getValue()}
        </span>
      </>
    )
  }),
  helper.accessor('email', {
    id: 'email',
    header: 'Email',
    cell: (info) => (
      <span className="truncate muted" title={info.getValue()}>
        {info.getValue()}
      </span>
    )
  }),
  helper.accessor('role', {
    id: 'role',
    header: 'Role',
    enableSorting: false,
    cell: (info) => <span className="truncate">{ROLE_LABELS[info.getValue()]}</span>
  }),
  helper.accessor('status', {
    id: 'status',
    header: 'Status',
    enableSorting: false,
    cell: (info) => <Badge tone={STATUS_TONES[info.getValue()]}>{STATUS_LABELS[info.getValue()]}</Badge>
  }),
  helper.accessor('lastLoginAt', {
    id: 'lastLogin',
    header: 'Last login',
    // Most recent first is what an admin means by "sort by last login".
    sortDescFirst: true,
    cell: (info) => {
      const at = info.getValue()
      return at === null ? (
        <span className="muted">Never</span>
      ) : (
        <time className="truncate" dateTime={new Date(at).toISOString()} title={formatAbsolute(at)}>
          {formatRelative(at)}
        </time>
      )
    }
  })
])

export const USER_GRID = 'minmax(180px, 1.5fr) minmax(220px, 2.2fr) 76px 150px minmax(110px, 0.9fr)'
