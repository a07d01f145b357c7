import { expect } from '@playwright/test'
import { DEFAULT_OWNER, screenshot, test, useApp } from './support/app'
import { SignInPage } from './support/sign-in-page'
import { AppShell } from './support/app-shell'
import { AuditPage } from './support/audit-page'

const owner = { ...DEFAULT_OWNER, account: 'Woodgrove Live Updates' }
const app = useApp({ init: owner })

test('an open audit log refreshes when another window signs in or out (data:changed)', async ({ browser }) => {
  // Two browser contexts: two cookies, two WebSockets, two sessions, like two console windows.
  const first = await browser.newContext()
  const second = await browser.newContext()
  try {
    const watcher = await first.newPage()
    await app().open(watcher)
    await new SignInPage(watcher).signIn(owner.email, owner.password)
    await new AppShell(watcher).goTo('Audit log')
    const audit = new AuditPage(watcher)
    await audit.expectVisible()
    const before = (await audit.actions()).length

    const other = await second.newPage()
    await app().open(other)
    await new SignInPage(other).signIn(owner.email, owner.password)
    await new AppShell(other).expectVisible()

    // No reload in the watching window: the core's push brings the new event in.
    await expect.poll(async () => (await audit.actions()).length).toBe(before + 1)
    await expect(audit.rows.first().locator('.action-code')).toHaveText('auth.signed-in')

    await new AppShell(other).signOut()
    await expect.poll(async () => (await audit.actions())[0]).toBe('auth.signed-out')
    await screenshot(watcher, 'audit-live-update')
  } finally {
    await first.close()
    await second.close()
  }
})
