import { AppError } from '../../../shared/contract/result'
import type { OutputOf } from '../../../shared/contract'
import type { CallContext } from '../context'
import type { Kernel } from '../kernel/kernel'
import { auditBase } from '../kernel/call'
import { confirmPassword } from '../auth/reauth'
import { generateRecoveryKey, type ScryptSlot } from '../store/key-envelope'
import { lastRecoveryKeyReplacement } from './repository'

function slotOf(slot: ScryptSlot | undefined): { present: boolean; scryptN: number | null } {
  return { present: slot !== undefined, scryptN: slot?.N ?? null }
}

/** Settings → Security: the store, the ways its key is kept, the ledger. */
export async function securityStatus(kernel: Kernel, ctx: CallContext): Promise<OutputOf<'security:status'>> {
  const principal = ctx.principal
  if (principal?.kind !== 'member') throw new AppError('FORBIDDEN', 'Only the Owner sees the security settings.')
  const store = kernel.store
  const [envelope, replaced, events, head] = await Promise.all([
    store.readEnvelope(),
    lastRecoveryKeyReplacement(store.db, principal.accountId),
    kernel.ledger.size(),
    kernel.ledger.latestHead()
  ])
  const slots = envelope?.slots ?? {}
  return {
    store: { kind: store.dialect, location: store.location },
    keys: {
      passphrase: slotOf(slots.passphrase),
      recovery: { ...slotOf(slots.recovery), replacedAt: replaced?.time ?? null, replacedBy: replaced?.actorName ?? null },
      keychain: { present: slots.safeStorage !== undefined, scryptN: null }
    },
    ledger: { events, lastSignedAt: head?.signedAt ?? null },
    capabilities: { replaceRecoveryKey: principal.role === 'owner' }
  }
}

/**
 * A new recovery key replaces the old one: the Owner's password first (the sign-in lockout rule),
 * then the slot is written inside the transaction that records it, so a failed write leaves no
 * audit event and a failed audit append leaves the old key (the slot write is the last statement).
 */
export async function replaceRecoveryKey(kernel: Kernel, ctx: CallContext, input: { password: string }): Promise<OutputOf<'security:replace-recovery-key'>> {
  const principal = ctx.principal
  if (principal?.kind !== 'member' || principal.role !== 'owner') throw new AppError('FORBIDDEN', 'Only the Owner can replace the recovery key.')
  await confirmPassword(kernel, ctx, input.password, 'replace-recovery-key')
  // scrypt before the transaction: the writer is not held while the key is wrapped.
  const recoveryKey = generateRecoveryKey()
  const slot = kernel.store.wrapKey(recoveryKey)
  await kernel.tx(async (t) => {
    const base = auditBase(ctx)
    await kernel.ledger.append(t, {
      ...base,
      action: 'store.recovery-key-replaced',
      summary: `${base.actor.name} replaced the store's recovery key; the previous recovery key no longer opens the store.`,
      target: { type: 'account', id: principal.accountId, name: principal.accountName },
      after: { scryptN: slot.N }
    })
    await kernel.store.setEnvelopeSlot('recovery', slot)
  })
  return { recoveryKey }
}
