import { expect } from '@playwright/test'
import { DEFAULT_OWNER, screenshot, test, useApp } from './support/app'
import { AppShell } from './support/app-shell'
import { SignInPage } from './support/sign-in-page'

const owner = { ...DEFAULT_OWNER, account: 'Contoso Settings' }
const app = useApp({ init: owner, demo: { users: 30, events: 100 } })

test('the Owner edits the account in Settings: name, seats and idle timeout, with refusals beside their fields', async ({ page }) => {
  await app().open(page)
  await new SignInPage(page).signIn(owner.email, owner.password)
  const shell = new AppShell(page)
  await shell.expectVisible()
  await shell.openSettings('Account and plan')
  const card = page.getByRole('region', { name: 'Account' })
  const name = card.getByLabel('Account name')
  const seats = card.getByLabel('Seats')
  const idle = card.getByLabel('Idle timeout (minutes)')
  await expect(name).toHaveValue(owner.account)
  await screenshot(page, 'settings-account')

  // Fewer seats than are in use: refused beside the field, nothing saved.
  const inUse = Number(((await card.getByText(/in use \(/).first().textContent()) ?? '').replace(/[^\d].*$/, '').replace(/,/g, ''))
  expect(inUse).toBeGreaterThan(1)
  await seats.fill('1')
  await idle.fill('ten')
  await card.getByRole('button', { name: 'Save' }).click()
  await expect(card.getByText('Enter the idle timeout in whole minutes, for example 30')).toBeVisible()
  await idle.fill('3')
  await card.getByRole('button', { name: 'Save' }).click()
  await expect(idle).toHaveAttribute('aria-invalid', 'true')
  await expect(card.getByText('At least 5 minutes')).toBeVisible()
  await idle.fill('45')
  await card.getByRole('button', { name: 'Save' }).click()
  await expect(seats).toHaveAttribute('aria-invalid', 'true')
  await expect(card.getByText(new RegExp(`the account needs at least ${inUse}`)).first()).toBeVisible()
  await screenshot(page, 'settings-account-refused')

  // A valid change: saved, audited, and the sidebar shows the new name at once.
  await seats.fill(String(inUse + 10))
  await name.fill('Contoso IT Operations')
  await card.getByRole('button', { name: 'Save' }).click()
  await expect(card.getByRole('status')).toContainText('Saved')
  await expect(shell.accountName).toHaveText('Contoso IT Operations')
  await expect(seats).toHaveValue(String(inUse + 10))
  await shell.setTheme('Dark')
  await screenshot(page, 'settings-account-saved-dark')
  await shell.setTheme('Light')
  await shell.goTo('Audit log')
  await expect(page.getByText(/renamed the account from Contoso Settings to Contoso IT Operations/).first()).toBeVisible()
})
