import { describe, expect, it } from 'vitest'
import { claimValues, mappedRole, mappedTeams } from '../../../../src/main/core/sso/mapping'

const teams = [
  { id: 't1', name: 'Support', description: '', createdAt: 0 },
  { id: 't2', name: 'Billing EU', description: '', createdAt: 0 }
]
const mapping = { email: 'email', name: 'name', role: 'roles', teams: 'groups' }

describe('SSO claim mapping', () => {
  it('reads a list as it is, a string split at commas, and nothing else', () => {
    expect(claimValues(['Admin', ' Agent ', 'Admin', 7, ''])).toEqual(['Admin', 'Agent'])
    expect(claimValues('support, Billing EU ,')).toEqual(['support', 'Billing EU'])
    expect(claimValues({ admin: true })).toEqual([])
    expect(claimValues(undefined)).toEqual([])
  })

  it('gives the most privileged role the claim names, in any case; never Owner', () => {
    expect(mappedRole(mapping, { roles: ['viewer', 'ADMIN'] }).role).toBe('admin')
    expect(mappedRole(mapping, { roles: 'Agent' }).role).toBe('agent')
    expect(mappedRole(mapping, { roles: ['owner', 'staff'] })).toEqual({ role: null, values: ['owner', 'staff'] })
    expect(mappedRole({ email: 'email', name: 'name' }, { roles: ['admin'] }).role).toBeNull()
  })

  it("finds the account's teams by name, ignoring case, and lists the names that are no team", () => {
    const found = mappedTeams(mapping, { groups: ['support', 'SUPPORT', 'billing eu', 'Nowhere'] }, teams)
    expect(found.teams.map((t) => t.id)).toEqual(['t1', 't2'])
    expect(found.unknown).toEqual(['Nowhere'])
    expect(mappedTeams({ email: 'email', name: 'name' }, { groups: ['Support'] }, teams)).toEqual({ teams: [], unknown: [] })
  })
})
