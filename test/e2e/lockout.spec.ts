import { expect } from '@playwright/test'
import { DEFAULT_OWNER, screenshot, test, useApp } from './support/app'
import { SignInPage } from './support/sign-in-page'

const owner = { ...DEFAULT_OWNER, account: 'Contoso Lockout Test' }
const app = useApp({ init: owner })

test('five wrong passwords lock the identity; even the right password is then refused', async ({ page }) => {
  await app().open(page)
  const signIn = new SignInPage(page)
  await signIn.expectVisible()

  for (let attempt = 1; attempt <= 4; attempt++) {
    await signIn.signIn(owner.email, `wrong password number ${attempt}`)
    await expect(signIn.alert).toHaveText('Wrong email or password.')
    // The password field is cleared after a refusal; the email stays.
    await expect(signIn.password).toHaveValue('')
    await expect(signIn.password).toBeFocused()
    await expect(signIn.email).toHaveValue(owner.email)
  }
  await screenshot(page, 'sign-in-wrong-password')

  await signIn.signIn(owner.email, 'wrong password number 5')
  await expect(signIn.alert).toBeVisible()

  await signIn.signIn(owner.email, owner.password)
  await expect(signIn.alert).toContainText('locked')
  await expect(signIn.form).toBeVisible()
  await screenshot(page, 'sign-in-locked')
})
