import { expect } from '@playwright/test'
import { DEFAULT_OWNER, screenshot, test, useApp } from './support/app'
import { SignInPage } from './support/sign-in-page'
import { AppShell } from './support/app-shell'
import { UsersPage } from './support/users-page'

const owner = { ...DEFAULT_OWNER, account: 'Contoso Sign-ins' }
const app = useApp({ init: owner, demo: { users: 40, events: 400, seed: 3 } })

test("a person's sign-ins: the 30-day chart, unlock after a lockout, and sign out everywhere returns their windows to sign-in", async ({ browser }) => {
  // Two browser contexts, two windows of the same person: one to act, one to be locked out and then signed out.
  const first = await browser.newContext({ viewport: { width: 1024, height: 900 } })
  const second = await browser.newContext()
  try {
    const admin = await first.newPage()
    await app().open(admin)
    await new SignInPage(admin).signIn(owner.email, owner.password)
    await new AppShell(admin).expectVisible()

    // The other window: five wrong passwords lock the email.
    const other = await second.newPage()
    await app().open(other)
    const otherSignIn = new SignInPage(other)
    for (let i = 1; i <= 5; i++) {
      await otherSignIn.signIn(owner.email, `wrong password ${i}`)
      await expect(otherSignIn.alert).toBeVisible()
    }
    await otherSignIn.signIn(owner.email, owner.password)
    await expect(otherSignIn.alert).toContainText('locked')

    // The Owner's own panel: its sign-ins, the lockout, and Unlock.
    const users = new UsersPage(admin)
    await users.expectVisible()
    await users.search.fill(owner.email)
    await expect.poll(() => users.total()).toBe(1)
    await users.rows.first().click()
    const panel = admin.getByRole('complementary', { name: /^Details of / })
    const signIns = panel.getByRole('region', { name: 'Sign-ins' })
    await expect(signIns).toBeVisible()
    await expect(signIns.getByRole('img', { name: /^Sign-ins per day/ })).toBeVisible()
    // Five wrong passwords; the right one refused while locked is not a guess, and not counted.
    await expect(signIns).toContainText('5 failed attempts in the last 30 days')
    await expect(signIns.getByRole('table', { name: 'IP addresses' })).toContainText('127.0.0.1')
    await expect(signIns.getByText(/^Sign-in is locked after too many failed attempts, until/)).toBeVisible()
    await screenshot(admin, 'login-history-locked')
    await signIns.getByRole('button', { name: 'Unlock' }).click()
    await expect(signIns.getByText('Sign-in unlocked: they can sign in again now.')).toBeVisible()

    // Unlocked: the other window signs in.
    await otherSignIn.signIn(owner.email, owner.password)
    await new AppShell(other).expectVisible()

    // Both windows are open sessions; signing out everywhere ends both, each told why.
    await expect(signIns.getByText('2 open sessions')).toBeVisible()
    await screenshot(admin, 'login-history-sessions')
    await signIns.getByRole('button', { name: 'Sign out everywhere' }).click()
    for (const page of [other, admin]) {
      await expect(page.getByText('An administrator signed you out on every device; sign in again.')).toBeVisible()
      await expect(new SignInPage(page).form).toBeVisible()
    }
    await screenshot(other, 'login-history-signed-out')
  } finally {
    await first.close()
    await second.close()
  }
})
