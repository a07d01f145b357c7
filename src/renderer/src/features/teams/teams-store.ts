import { create } from 'zustand'
import { getBridge } from '../../app/bridge'
import type { TeamDto } from '../../../../shared/contract/teams'

interface TeamsState {
  teams: TeamDto[]
  loaded: boolean
  error: string | null
  load(): Promise<void>
}

/** The account's teams (a few hundred at most): the Teams screen, filters and pickers share one copy. */
export const useTeams = create<TeamsState>()((set) => ({
  teams: [],
  loaded: false,
  error: null,
  async load() {
    const result = await getBridge().invoke('teams:list', {})
    if (result.ok) set({ teams: result.value.teams, loaded: true, error: null })
    else set({ loaded: true, error: result.error.message })
  }
}))
