import { expect, type Locator, type Page } from '@playwright/test'

export class SignInPage {
  readonly form: Locator
  readonly email: Locator
  readonly password: Locator
  readonly submit: Locator
  /** The core's answer (wrong password, locked) or why the session ended. */
  readonly alert: Locator

  constructor(page: Page) {
    this.form = page.getByRole('form', { name: 'Sign in', exact: true })
    this.email = this.form.getByLabel('Email', { exact: true })
    this.password = this.form.getByLabel('Password', { exact: true })
    this.submit = this.form.getByRole('button', { name: 'Sign in', exact: true })
    this.alert = this.form.getByRole('alert')
  }

  async expectVisible(): Promise<void> {
    await expect(this.form).toBeVisible()
  }

  /** Fills and submits with Enter, as a keyboard user would. */
  async signIn(email: string, password: string): Promise<void> {
    await this.email.fill(email)
    await this.password.fill(password)
    await this.password.press('Enter')
  }
}
