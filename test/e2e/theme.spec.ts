import { expect, type Page } from '@playwright/test'
import { DEFAULT_OWNER, screenshot, test, useApp } from './support/app'
import { SignInPage } from './support/sign-in-page'
import { AppShell } from './support/app-shell'
import { UsersPage } from './support/users-page'
import { AuditPage } from './support/audit-page'

const owner = { ...DEFAULT_OWNER, account: 'Fabrikam Dark Mode' }
const app = useApp({ init: owner, demo: { users: 300, events: 600 } })

/** Relative luminance (0 black … 1 white) of the page background. */
async function backgroundLuminance(page: Page, selector = 'body'): Promise<number> {
  return page.locator(selector).first().evaluate((el) => {
    const [r, g, b] = (getComputedStyle(el).backgroundColor.match(/[\d.]+/g) ?? ['0', '0', '0']).map(Number)
    return (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255
  })
}

test('dark theme renders every screen, persists, and "system" follows the OS', async ({ page }) => {
  await app().open(page)
  const signIn = new SignInPage(page)
  await signIn.signIn(owner.email, owner.password)
  const shell = new AppShell(page)
  await shell.expectVisible()
  expect(await backgroundLuminance(page)).toBeGreaterThan(0.9)

  await shell.setTheme('Dark')
  await expect.poll(() => shell.theme()).toBe('dark')
  expect(await backgroundLuminance(page)).toBeLessThan(0.15)
  expect(await backgroundLuminance(page, '.sidebar')).toBeLessThan(0.15)
  const users = new UsersPage(page)
  await users.expectVisible()
  await users.settled()
  await screenshot(page, 'users-dark')

  await users.search.fill('no such person at all')
  await expect(page.getByText("No users match 'no such person at all'")).toBeVisible()
  await screenshot(page, 'users-empty-dark')

  await shell.goTo('Audit log')
  const audit = new AuditPage(page)
  await audit.expectVisible()
  await audit.rows.first().click()
  await expect(audit.detail).toBeVisible()
  await screenshot(page, 'audit-dark')

  // The Settings hub: every settings page of the Owner, grouped, in the dark theme; a page under it leads back.
  await shell.openSettingsHub()
  for (const label of ['Account and plan', 'Email delivery', 'Store and keys', 'Support Team Access', 'Personal settings']) await expect(shell.settingsLink(label)).toBeVisible()
  await expect(page.getByRole('heading', { level: 2 })).toHaveText(['Account', 'Security', 'Access Control', 'Personal'])
  await screenshot(page, 'settings-hub-dark')
  await shell.openSettings('Email delivery')
  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Settings' }).click()
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible()
  await shell.setTheme('Light')
  await expect.poll(() => shell.theme()).toBe('light')
  await screenshot(page, 'settings-hub-light')
  await shell.setTheme('Dark')

  // The choice survives a reload (localStorage) and applies before sign-in too.
  await shell.signOut()
  await page.reload()
  await signIn.expectVisible()
  await expect.poll(() => shell.theme()).toBe('dark')
  expect(await backgroundLuminance(page, '.auth-card')).toBeLessThan(0.15)
  await signIn.signIn(owner.email, 'not the password at all')
  await expect(signIn.alert).toBeVisible()
  await screenshot(page, 'sign-in-error-dark')

  // "System" follows prefers-color-scheme.
  await signIn.signIn(owner.email, owner.password)
  await shell.expectVisible()
  await shell.setTheme('System')
  await page.emulateMedia({ colorScheme: 'light' })
  await expect.poll(() => backgroundLuminance(page)).toBeGreaterThan(0.9)
  await page.emulateMedia({ colorScheme: 'dark' })
  await expect.poll(() => backgroundLuminance(page)).toBeLessThan(0.15)
  await shell.setTheme('Light')
  await expect.poll(() => backgroundLuminance(page)).toBeGreaterThan(0.9)
})
