import { expect, type Locator, type Page } from '@playwright/test'
import type { Owner } from './app'

export class SetupPage {
  readonly form: Locator
  readonly heading: Locator
  readonly submit: Locator
  readonly alert: Locator

  constructor(private readonly page: Page) {
    this.form = page.getByRole('form', { name: 'Set up Gatehouse' })
    this.heading = page.getByRole('heading', { name: 'Set up Gatehouse' })
    this.submit = page.getByRole('button', { name: 'Create account' })
    this.alert = this.form.getByRole('alert')
  }

  async expectVisible(): Promise<void> {
    await expect(this.heading).toBeVisible()
  }

  field(label: string): Locator {
    return this.form.getByLabel(label, { exact: true })
  }

  async fill(owner: Owner, options: { plan?: 'Trial' | 'Paid'; seats?: number; confirm?: string } = {}): Promise<void> {
    await this.field('Account name').fill(owner.account)
    await this.form.getByText(options.plan ?? 'Paid', { exact: true }).click()
    await this.field('Seats').fill(String(options.seats ?? 25))
    await this.field('Full name').fill(owner.name)
    await this.field('Email').fill(owner.email)
    await this.field('Password').fill(owner.password)
    await this.field('Confirm password').fill(options.confirm ?? owner.password)
  }

  /** The error tied to a field through aria-describedby. */
  async expectFieldError(label: string, text: string | RegExp): Promise<void> {
    await expect(this.field(label)).toHaveAttribute('aria-invalid', 'true')
    await expect(this.field(label)).toHaveAccessibleDescription(text)
  }
}

export class RecoveryKeyPage {
  readonly heading: Locator
  readonly key: Locator
  readonly stored: Locator
  readonly continue: Locator
  readonly copy: Locator

  constructor(page: Page) {
    this.heading = page.getByRole('heading', { name: 'Save your recovery key' })
    this.key = page.getByTestId('recovery-key')
    this.stored = page.getByRole('checkbox', { name: 'I have stored the recovery key somewhere safe' })
    this.continue = page.getByRole('button', { name: 'Continue to Gatehouse' })
    this.copy = page.getByRole('button', { name: 'Copy' })
  }

  async expectVisible(): Promise<void> {
    await expect(this.heading).toBeVisible()
  }
}
