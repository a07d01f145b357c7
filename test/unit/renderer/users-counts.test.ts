import { describe, expect, it } from 'vitest'
import { createElement, type ComponentType } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import type { AgentPermission, UserCapabilities, UserDetail } from '../../../src/shared/contract/users'

// The renderer is another TypeScript project (tsconfig.web.json): load its modules at run time, typed here.
interface ShownCount {
  n: number
  capped: boolean
}
interface Counts {
  shownTotal(total: number | null, totalCapped: boolean, loaded: number, hasMore: boolean): ShownCount | null
  usersLine(count: ShownCount): string
  showingLine(loaded: number, count: ShownCount): string
  chipCount(count: number | null, capped: boolean): string
}
const COUNTS = '../../../src/renderer/src/features/users/counts'
const { shownTotal, usersLine, showingLine, chipCount } = (await import(/* @vite-ignore */ COUNTS)) as Counts

describe('users list counts capped by the core', () => {
  it('shows an exact total as it is', () => {
    const shown = shownTotal(2001, false, 100, true)!
    expect(shown).toEqual({ n: 2001, capped: false })
    expect(usersLine(shown)).toBe('2,001 users')
    expect(usersLine(shownTotal(1, false, 1, false)!)).toBe('1 user')
    expect(usersLine(shownTotal(0, false, 0, false)!)).toBe('0 users')
    expect(showingLine(100, shown)).toBe('Showing 100 of 2,001')
  })

  it('shows a capped total as a lower bound, never as an exact figure', () => {
    const first = shownTotal(200, true, 100, true)!
    expect(usersLine(first)).toBe('200+ users')
    expect(showingLine(100, first)).toBe('Showing 100 of 200+')
    // Scrolled past the cap: never "Showing 500 of 200".
    const deeper = shownTotal(200, true, 500, true)!
    expect(showingLine(500, deeper)).toBe('Showing 500 of 500+')
    expect(usersLine(deeper)).toBe('500+ users')
    expect(usersLine(shownTotal(200, true, 1200, true)!)).toBe('1,200+ users')
  })

  it('is exact again once the last page is loaded', () => {
    const all = shownTotal(200, true, 437, false)!
    expect(all).toEqual({ n: 437, capped: false })
    expect(usersLine(all)).toBe('437 users')
    expect(showingLine(437, all)).toBe('Showing 437 of 437')
  })

  it('knows no total before the first page', () => {
    expect(shownTotal(null, false, 0, false)).toBeNull()
  })

  it('marks capped chip counts', () => {
    expect(chipCount(null, false)).toBe('–')
    expect(chipCount(1234, false)).toBe('1,234')
    expect(chipCount(200, true)).toBe('200+')
    expect(chipCount(37, true)).toBe('37+')
  })
})

type Confirm = { kind: 'role'; role: 'admin' | 'agent' | 'viewer' }
interface PanelConfirmProps {
  confirm: Confirm
  user: UserDetail
  busy: boolean
  error: string | null
  password: string
  onPassword(value: string): void
  onConfirm(): void
  onCancel(): void
}
const PANEL = '../../../src/renderer/src/features/users/user-panel'
const { PanelConfirm } = (await import(/* @vite-ignore */ PANEL)) as { PanelConfirm: ComponentType<PanelConfirmProps> }

const allowed = { allowed: true, reason: null }
function agent(permissions: AgentPermission[]): UserDetail {
  const capabilities: UserCapabilities = {
    editRole: { ...allowed, clearsAgentPermissions: permissions },
    deactivate: allowed,
    reactivate: { allowed: false, reason: 'Grace Hopper is active.' },
    transferOwnership: { allowed: false, reason: 'Ownership can go only to an active Admin; Grace Hopper is an Agent.' },
    editAgentPermissions: allowed,
    editTeams: allowed,
    resetPassword: allowed
  }
  return {
    id: 'm1',
    personId: 'p1',
    name: 'Grace Hopper',
    email: 'grace@example.com',
    role: 'agent',
    status: 'active',
    lastLoginAt: null,
    createdAt: 0,
    teams: [],
    avatar: null,
    inviteExpiresAt: null,
    permissions,
    invitation: null,
    deactivatedAt: null,
    isSelf: false,
    capabilities
  }
}
function roleConfirm(user: UserDetail, role: Confirm['role']): string {
  const noop = (): void => undefined
  const html = renderToStaticMarkup(
    createElement(PanelConfirm, { confirm: { kind: 'role', role }, user, busy: false, error: null, password: '', onPassword: noop, onConfirm: noop, onCancel: noop })
  )
  return html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')
}

describe('role change confirmation in the user panel', () => {
  it('says which agent permissions a change away from Agent clears, by label', () => {
    const text = roleConfirm(agent(['view-all-tickets', 'export-data']), 'viewer')
    expect(text).toContain('Make Grace Hopper Viewer?')
    expect(text).toContain('Their agent permissions will be cleared: View all tickets, Export data.')
    expect(roleConfirm(agent(['delete-tickets']), 'admin')).toContain('grants full access immediately')
    expect(roleConfirm(agent(['delete-tickets']), 'admin')).toContain('will be cleared: Delete tickets.')
  })

  it('says nothing about agent permissions when none are cleared', () => {
    expect(roleConfirm(agent([]), 'viewer')).not.toContain('agent permissions')
  })
})
