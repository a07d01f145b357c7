import { expect } from '@playwright/test'
import { DEFAULT_OWNER, screenshot, test, useApp } from './support/app'
import { RecoveryKeyPage, SetupPage } from './support/setup-page'
import { SignInPage } from './support/sign-in-page'
import { AppShell } from './support/app-shell'
import { UsersPage } from './support/users-page'
import { AuditPage } from './support/audit-page'

const app = useApp()
const owner = DEFAULT_OWNER

test('first run: setup, recovery key, users, sign out, sign in, audit log, sign out', async ({ page }) => {
  await app().open(page)
  const setup = new SetupPage(page)
  await setup.expectVisible()
  // The token has been traded for a cookie and is no longer in the address bar.
  expect(page.url()).not.toContain('token=')
  await screenshot(page, 'setup')

  // Submitting empty: the core's validation answers are shown beside each field.
  await setup.submit.click()
  await expect(setup.alert).toBeVisible()
  await setup.expectFieldError('Account name', /Enter the account name/)
  await setup.expectFieldError('Email', /valid email/i)
  await expect(setup.field('Account name')).toBeFocused()
  await screenshot(page, 'setup-errors')

  // A password the core refuses (too short) is reported on the password field.
  await setup.fill({ ...owner, password: 'short' })
  await setup.submit.click()
  await setup.expectFieldError('Password', /12 characters/)
  await expect(setup.alert).toContainText('12 characters')

  // Mismatched confirmation never reaches the core.
  await setup.fill(owner, { confirm: 'something else entirely' })
  await setup.submit.click()
  await setup.expectFieldError('Confirm password', 'The passwords do not match')

  await setup.fill(owner)
  await setup.submit.click()

  const recovery = new RecoveryKeyPage(page)
  await recovery.expectVisible()
  const key = (await recovery.key.textContent())?.trim() ?? ''
  expect(key.length).toBeGreaterThanOrEqual(20)
  await expect(recovery.continue).toBeDisabled()
  await screenshot(page, 'recovery-key')
  await recovery.stored.check()
  await recovery.continue.click()

  const shell = new AppShell(page)
  await shell.expectVisible()
  await expect(shell.accountName).toHaveText(owner.account)
  await expect(shell.personName).toHaveText(owner.name)
  await expect(shell.personRole).toHaveText('Owner')
  await expect(shell.navLink('Users')).toBeVisible()
  await expect(shell.navLink('Audit log')).toBeVisible()

  const users = new UsersPage(page)
  await users.expectVisible()
  await expect(users.count).toHaveText('1 user')
  await expect(users.rows).toHaveCount(1)
  await expect(users.rows.first()).toContainText(owner.name)
  await expect(users.rows.first()).toContainText(owner.email)
  await expect(users.rows.first()).toContainText('Owner')
  await expect(users.rows.first()).toContainText('Active')
  // A new account says what to do first, each a click away.
  const guide = page.getByRole('region', { name: 'Bring your team in' })
  await expect(guide).toBeVisible()
  await expect(guide.getByRole('link', { name: 'Set up email delivery' })).toHaveAttribute('href', /settings\/email/)
  await screenshot(page, 'users-owner-only')
  await guide.getByRole('button', { name: 'Invite by email' }).click()
  await expect(page.getByRole('dialog', { name: 'Invite users' })).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByRole('dialog', { name: 'Invite users' })).toHaveCount(0)

  // The recovery key is gone for good: it is not on the page any more.
  await expect(page.getByText(key)).toHaveCount(0)

  await shell.signOut()
  const signIn = new SignInPage(page)
  await signIn.expectVisible()
  await expect(page.getByRole('heading', { name: `Sign in to ${owner.account}` })).toBeVisible()
  await screenshot(page, 'sign-in')

  await signIn.signIn(owner.email, owner.password)
  await shell.expectVisible()
  await shell.goTo('Audit log')

  const audit = new AuditPage(page)
  await audit.expectVisible()
  // Newest first: this sign-in, the earlier sign-out, then the two setup events.
  await expect.poll(() => audit.actions()).toEqual(['auth.signed-in', 'auth.signed-out', 'member.created', 'account.created'])
  await expect(audit.rowWithAction('auth.signed-in')).toContainText(owner.name)
  await expect(audit.footer).toContainText('start of the log')
  await screenshot(page, 'audit')

  // Selecting an event shows its values field by field (a created account: every field added), raw JSON one click away.
  await audit.rowWithAction('account.created').click()
  await expect(audit.detail).toBeVisible()
  await expect(audit.detail.getByRole('heading', { level: 2 })).toContainText(`created the account ${owner.account}`)
  await expect(audit.detail.getByRole('table', { name: /Fields that changed/ }).getByRole('row', { name: /plan/ })).toContainText('paid')
  await audit.detail.getByRole('button', { name: 'Show raw JSON' }).click()
  await expect(audit.detail.getByLabel('Value after')).toContainText('"plan": "paid"')
  await expect(audit.detail.getByLabel('Value before')).toHaveText('—')
  await screenshot(page, 'audit-detail')

  // Keyboard: arrow keys move between rows, Enter selects.
  await audit.rowWithAction('account.created').focus()
  await page.keyboard.press('ArrowUp')
  await page.keyboard.press('Enter')
  await expect(audit.detail.getByRole('heading', { level: 2 })).toContainText(`became the Owner`)
  await page.keyboard.press('Home')
  await page.keyboard.press('Enter')
  await expect(audit.detail.getByRole('heading', { level: 2 })).toContainText('signed in')
  await expect(audit.detail).toContainText('This event recorded no values.')

  await shell.signOut()
  await signIn.expectVisible()
})
