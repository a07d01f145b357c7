import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ProfileDto } from '../../../src/shared/contract/profile'
import { accountTemplate, auditSince, expectError, expectOk, ledgerSize, quickMember, sessionOf, type FreshCore } from '../../support/users'

// Runs on the SQLite file and, in the postgres project, on PostgreSQL (GATEHOUSE_TEST_STORE).
describe('the language of Personal settings, stored with the person', () => {
  let template: Awaited<ReturnType<typeof accountTemplate>>
  let t: FreshCore
  beforeAll(async () => {
    template = await accountTemplate({ seats: 10 })
  })
  afterAll(() => template.dispose())
  beforeEach(async () => {
    t = await template.fresh()
  })

  const profile = async (connectionId: string) => expectOk<ProfileDto>(await t.core.dispatch(connectionId, 'profile:get', {}))

  it('is English until the person chooses; the choice is read back in every window of theirs, and audited', async () => {
    const agent = await quickMember(t.core, { role: 'agent' })
    const here = await sessionOf(t.core, agent.membershipId)
    expect((await profile(here)).language).toBe('en')
    const seq = await ledgerSize(t.core)
    expect(expectOk<ProfileDto>(await t.core.dispatch(here, 'profile:update', { language: 'de' })).language).toBe('de')
    // Another window (another machine, the web host) signs in to the same choice.
    const elsewhere = await sessionOf(t.core, agent.membershipId)
    expect((await profile(elsewhere)).language).toBe('de')
    expect(await auditSince(t.core, seq)).toMatchObject([{ action: 'profile.updated', before: { language: 'en' }, after: { language: 'de' }, summary: expect.stringContaining('language') }])
    // Choosing it again changes nothing and writes nothing.
    const again = await ledgerSize(t.core)
    expectOk(await t.core.dispatch(here, 'profile:update', { language: 'de' }))
    expect(await ledgerSize(t.core)).toBe(again)
    // Another person's language is their own.
    expect((await profile(await sessionOf(t.core, t.ownerMembershipId))).language).toBe('en')
  })

  it('refuses a language the console does not have, saying which it has, and changes nothing', async () => {
    const admin = await quickMember(t.core, { role: 'admin' })
    const w = await sessionOf(t.core, admin.membershipId)
    expectOk(await t.core.dispatch(w, 'profile:update', { language: 'de' }))
    const seq = await ledgerSize(t.core)
    for (const language of ['fr', 'DE', '', null, 7]) {
      expectError(await t.core.dispatch(w, 'profile:update', { language, theme: 'dark' }), 'VALIDATION', /^Language: .*English \(en\) or Deutsch \(de\)/)
    }
    expect(await profile(w)).toMatchObject({ language: 'de', theme: 'system' })
    expect(await ledgerSize(t.core)).toBe(seq)
  })
})
