import { expect } from '@playwright/test'
import { DEFAULT_OWNER, screenshot, test, useApp } from './support/app'
import { SignInPage } from './support/sign-in-page'
import { AppShell } from './support/app-shell'
import { UsersPage } from './support/users-page'
import { FileChooser } from './support/file-chooser'

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

test('account-wide login history: filter the attempts, open a person, export the filter, deactivate dormant members', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 800 })
  const chooser = await FileChooser.standIn(page)
  await app().open(page)
  await new SignInPage(page).signIn(owner.email, owner.password)
  const shell = new AppShell(page)
  await shell.expectVisible()
  await shell.navLink('Login history').click()
  await expect(page.getByRole('heading', { name: 'Login history', level: 1 })).toBeVisible()
  const grid = page.getByRole('grid', { name: 'Sign-in attempts' })
  const rows = grid.locator('.dt-body').getByRole('row')
  await expect(rows.first()).toBeVisible()
  await screenshot(page, 'login-history-account')

  // Failed attempts only: every row says so, and the filter is in the URL.
  await page.getByLabel('Result and reason').selectOption({ label: 'Failed' })
  await expect(page).toHaveURL(/result=failure/)
  await expect(grid).not.toHaveAttribute('aria-busy', 'true')
  await expect.poll(async () => (await rows.allTextContents()).every((row) => row.includes('Failed'))).toBe(true)
  const failedShown = await rows.count()
  expect(failedShown).toBeGreaterThan(0)
  await screenshot(page, 'login-history-failed')

  // Export of the filter: the CSV's rows are the failed attempts.
  await page.getByRole('button', { name: 'Export CSV' }).click()
  await expect(page.getByText(/^Exported [\d,]+ sign-in attempts? to gatehouse-login-history-/)).toBeVisible({ timeout: 30_000 })
  const file = (await chooser.file())!
  expect(file).toMatchObject({ closed: true, name: expect.stringMatching(/^gatehouse-login-history-\d{4}-\d{2}-\d{2}\.csv$/) as unknown as string })
  const lines = file.chunks.join('').split('\r\n').filter((l) => l !== '')
  expect(lines[0]).toBe('\uFEFFtime_utc,kind,name,email,method,provider,result,reason,ip,device')
  expect(lines.length).toBeGreaterThan(1)
  expect(lines.slice(1).every((l) => /,(failure|locked),/.test(l) && l.includes(',failure,'))).toBe(true)
  await page.getByRole('button', { name: 'Dismiss' }).click()

  // One person: their own history heads the page (the full page of the panel's tab), the filter kept on reload.
  const person = rows.first().locator('.link-button')
  const name = (await person.textContent())!.trim()
  await person.click()
  await expect(page.getByRole('heading', { name: `Login history: ${name}`, level: 1 })).toBeVisible()
  const signIns = page.getByRole('region', { name: 'Sign-ins' })
  await expect(signIns.getByRole('img', { name: /^Sign-ins per day/ })).toBeVisible()
  await expect.poll(async () => (await rows.allTextContents()).every((row) => row.includes(name) && row.includes('Failed'))).toBe(true)
  // A reload is a new window (signed out): signed in again, it opens the same view.
  await page.reload()
  await new SignInPage(page).signIn(owner.email, owner.password)
  await expect(page.getByRole('heading', { name: `Login history: ${name}`, level: 1 })).toBeVisible()
  await expect(page.getByLabel('Result and reason')).toHaveValue('failure')
  await screenshot(page, 'login-history-person-page')

  // Dormant accounts: no sign-in for 90 days; tick one and deactivate them (audited, all or nothing).
  await page.getByRole('tab', { name: 'Dormant accounts' }).click()
  await expect(page).toHaveURL(/tab=dormant/)
  const dormant = page.getByRole('grid', { name: 'Dormant members' })
  const dormantRows = dormant.locator('.dt-body').getByRole('row')
  await expect(dormantRows.first()).toBeVisible()
  const countText = page.getByText(/^[\d,]+ dormant members?$/)
  const before = Number((await countText.textContent())!.replace(/\D/g, ''))
  expect(before).toBeGreaterThan(0)
  await screenshot(page, 'login-history-dormant')
  const first = dormantRows.filter({ has: page.locator('input[type=checkbox]:not([disabled])') }).first()
  const who = (await first.locator('.login-person .truncate').first().textContent())!.trim()
  await first.locator('input[type=checkbox]').check()
  await page.getByRole('button', { name: 'Deactivate 1 selected' }).click()
  const dialog = page.getByRole('dialog', { name: 'Deactivate 1 member?' })
  await expect(dialog).toBeVisible()
  await screenshot(page, 'login-history-dormant-confirm')
  await dialog.getByRole('button', { name: 'Deactivate' }).click()
  await expect(page.getByText('1 member deactivated.')).toBeVisible()
  await expect(countText).toHaveText(before - 1 === 0 ? 'Nobody' : before - 1 === 1 ? '1 dormant member' : `${(before - 1).toLocaleString('en-US')} dormant members`)
  await expect(dormantRows.filter({ hasText: who })).toHaveCount(0)
})
