import type { TeamRecord } from '../teams/repository'

/**
 * What a connection reads from the provider's claims (OIDC) or attributes (SAML): the email and
 * name always; the role and the teams of a new member when the administrator maps them.
 */
export interface ClaimMapping {
  email: string
  name: string
  role?: string
  teams?: string
}

export type MappedRole = 'admin' | 'agent' | 'viewer'

/** Most privileged first: when a claim names several roles (one per group), the first of these wins. */
const ROLE_ORDER: readonly MappedRole[] = ['admin', 'agent', 'viewer']

/** A claim's values: a list of strings as it is, a single string split at commas; anything else: none. */
export function claimValues(value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : []
  return [...new Set(list.filter((v): v is string => typeof v === 'string').map((v) => v.trim()).filter(Boolean))]
}

/**
 * The role the role claim names: a value that is a Gatehouse role's name (Admin, Agent, Viewer, in
 * any case); the most privileged when several are. "Owner" is never given by a provider.
 */
export function mappedRole(mapping: ClaimMapping, claims: Record<string, unknown>): { role: MappedRole | null; values: string[] } {
  if (!mapping.role) return { role: null, values: [] }
  const values = claimValues(claims[mapping.role])
  const named = new Set(values.map((v) => v.toLowerCase()))
  return { role: ROLE_ORDER.find((r) => named.has(r)) ?? null, values }
}

/** The account's teams the team claim names (by name, ignoring case), and the names that are no team here. */
export function mappedTeams(mapping: ClaimMapping, claims: Record<string, unknown>, teams: readonly TeamRecord[]): { teams: TeamRecord[]; unknown: string[] } {
  if (!mapping.teams) return { teams: [], unknown: [] }
  const byName = new Map(teams.map((t) => [t.name.toLowerCase(), t]))
  const found: TeamRecord[] = []
  const unknown: string[] = []
  for (const value of claimValues(claims[mapping.teams])) {
    const team = byName.get(value.toLowerCase())
    if (team) {
      if (!found.includes(team)) found.push(team)
    } else unknown.push(value)
  }
  return { teams: found, unknown }
}

/** The stored mapping as the contract shows it (role and teams null when not mapped). */
export function mappingDto(mapping: ClaimMapping): { email: string; name: string; role: string | null; teams: string | null } {
  return { email: mapping.email, name: mapping.name, role: mapping.role ?? null, teams: mapping.teams ?? null }
}
