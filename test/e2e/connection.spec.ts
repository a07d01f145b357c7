import { expect } from '@playwright/test'
import { DEFAULT_OWNER, screenshot, test, useApp } from './support/app'
import { SignInPage } from './support/sign-in-page'
import { AppShell } from './support/app-shell'
import { UsersPage } from './support/users-page'

const owner = { ...DEFAULT_OWNER, account: 'Tailspin Connection Test' }
const app = useApp({ init: owner })

test('when the web host goes away the console says so and offers a reload', async ({ page }) => {
  await app().open(page)
  await new SignInPage(page).signIn(owner.email, owner.password)
  const shell = new AppShell(page)
  const users = new UsersPage(page)
  await users.expectVisible()

  await app().stop()
  await expect(shell.connectionBanner).toBeVisible()
  await expect(shell.connectionBanner.getByRole('button', { name: 'Reload' })).toBeVisible()
  await screenshot(page, 'connection-lost')

  // Calls after the loss fail at once with the same message instead of hanging.
  await users.search.fill('anyone')
  await expect(page.getByText('Could not load users: Connection to Gatehouse lost')).toBeVisible()
})
