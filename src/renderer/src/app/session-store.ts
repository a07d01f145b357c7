import { create } from 'zustand'
import type { SessionInfo } from '../../../shared/contract/auth'
import type { EventPayload, OutputOf } from '../../../shared/contract'
import type { Permission } from '../../../shared/permissions'
import { getBridge } from './bridge'

/**
 * Which top-level screen shows. The core decides every fact here (initialized, session,
 * permissions); this store only remembers the latest answer and the view that follows from it.
 */
type AccountSummary = OutputOf<'auth:status'>['accounts'][number]

export type Phase = 'loading' | 'unavailable' | 'setup' | 'recovery-key' | 'sign-in' | 'app'

export interface Notice {
  tone: 'info' | 'warning'
  message: string
}

interface SessionState {
  phase: Phase
  session: SessionInfo | null
  accounts: AccountSummary[]
  /** Shown once after setup, then dropped from memory. */
  recoveryKey: string | null
  /** Why the person is back at sign-in (idle timeout, deactivated, …). */
  notice: Notice | null
  loadError: string | null
  start(): Promise<void>
  refresh(): Promise<void>
  setupCompleted(recoveryKey: string, session: SessionInfo): void
  recoveryKeyStored(): void
  signedIn(session: SessionInfo): void
  signOut(): Promise<void>
  sessionEnded(payload: EventPayload<'session:ended'>): void
}

export const useSession = create<SessionState>()((set, get) => ({
  phase: 'loading',
  session: null,
  accounts: [],
  recoveryKey: null,
  notice: null,
  loadError: null,

  async start() {
    set({ phase: 'loading', loadError: null })
    await get().refresh()
  },

  async refresh() {
    const result = await getBridge().invoke('auth:status', {})
    if (!result.ok) {
      // A failed refresh while signed in leaves the screen alone; the connection banner explains.
      if (get().phase === 'loading') set({ phase: 'unavailable', loadError: result.error.message })
      return
    }
    const { initialized, accounts, session } = result.value
    const phase = get().phase
    if (!initialized) {
      set({ phase: 'setup', session: null, accounts })
    } else if (session) {
      // The recovery key screen stays up until it is acknowledged, whatever a refresh says.
      set({ phase: phase === 'recovery-key' ? phase : 'app', session, accounts })
    } else {
      set({ phase: phase === 'recovery-key' ? phase : 'sign-in', session: null, accounts })
    }
  },

  setupCompleted(recoveryKey, session) {
    set({ phase: 'recovery-key', recoveryKey, session, notice: null })
  },

  recoveryKeyStored() {
    // The session may have ended while the key was on screen; then sign-in comes next.
    set((state) => ({ phase: state.session ? 'app' : 'sign-in', recoveryKey: null }))
    void get().refresh()
  },

  signedIn(session) {
    set({ phase: 'app', session, notice: null })
  },

  async signOut() {
    await getBridge().invoke('auth:sign-out', {})
    set({ phase: 'sign-in', session: null, recoveryKey: null, notice: null })
  },

  sessionEnded(payload) {
    // Signing out on purpose needs no explanation; every other ending does.
    const notice: Notice | null =
      payload.reason === 'signed-out' ? null : { tone: 'warning', message: payload.message }
    set((state) => {
      // Never take the recovery key away before the person confirms they stored it.
      if (state.phase === 'recovery-key') return { session: null, notice: notice ?? state.notice }
      return {
        phase: state.phase === 'setup' ? state.phase : 'sign-in',
        session: null,
        recoveryKey: null,
        notice: notice ?? state.notice
      }
    })
  }
}))

export function hasPermission(session: SessionInfo | null, permission: Permission): boolean {
  return session?.permissions.includes(permission) ?? false
}

/** Subscribes the session store to the core's session events; returns the unsubscribe. */
export function bindSessionEvents(): () => void {
  const bridge = getBridge()
  const offEnded = bridge.on('session:ended', (payload) => useSession.getState().sessionEnded(payload))
  const offChanged = bridge.on('session:changed', () => void useSession.getState().refresh())
  return () => {
    offEnded()
    offChanged()
  }
}
