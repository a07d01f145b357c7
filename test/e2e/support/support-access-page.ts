import { expect, type Locator, type Page } from '@playwright/test'

export type DurationLabel = 'One day' | 'One week' | 'One month' | 'One year' | 'Indefinitely'

/** Settings → Access Control → Support Team Access. */
export class SupportAccessPage {
  readonly heading: Locator
  readonly status: Locator
  readonly trialExplanation: Locator
  readonly toggle: Locator
  readonly changeButton: Locator
  readonly dialog: Locator
  readonly agents: Locator
  readonly logGrid: Locator
  readonly loginsGrid: Locator

  constructor(private readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Support Team Access', level: 1 })
    this.status = page.getByTestId('support-status')
    this.trialExplanation = page.getByTestId('support-trial-explanation')
    this.toggle = page.getByRole('switch', { name: 'Support access' })
    this.changeButton = page.getByRole('button', { name: 'Change duration or scope' })
    this.dialog = page.getByRole('dialog')
    this.agents = page.getByRole('list', { name: 'Support agents' })
    this.logGrid = page.getByRole('grid', { name: 'Support access log' })
    this.loginsGrid = page.getByRole('grid', { name: 'Support login history' })
  }

  async expectVisible(): Promise<void> {
    await expect(this.heading).toBeVisible()
    await expect(this.status).toBeVisible()
  }

  /** Fills the Extend/Change dialog; the caller confirms with `saveGrant`. */
  async chooseGrant(duration: DurationLabel, scope: 'Read-only' | 'Full', reason?: string): Promise<void> {
    await this.dialog.getByRole('group', { name: 'Duration' }).getByLabel(duration).check()
    await this.dialog.getByRole('group', { name: 'Scope' }).getByLabel(new RegExp(`^${scope}`)).check()
    if (reason !== undefined) await this.dialog.getByLabel('Reason or ticket (optional)').fill(reason)
  }

  async saveGrant(): Promise<void> {
    await this.dialog.getByRole('button', { name: /^(Turn on|Save changes)$/ }).click()
    await expect(this.dialog).toBeHidden()
  }

  tab(name: 'Log' | 'Support login history'): Locator {
    return this.page.getByRole('tab', { name, exact: true })
  }

  logRows(): Locator {
    return this.logGrid.locator('.dt-body-row')
  }

  loginRows(): Locator {
    return this.loginsGrid.locator('.dt-body-row')
  }

  /** The text of every cell of the given rows, row by row. */
  async cells(rows: Locator): Promise<string[][]> {
    const out: string[][] = []
    for (let i = 0; i < (await rows.count()); i++) out.push((await rows.nth(i).getByRole('gridcell').allTextContents()).map((t) => t.trim()))
    return out
  }
}

/** The sign-in screen's "Sign in as support agent" form. */
export class SupportSignInPage {
  readonly link: Locator
  readonly form: Locator
  readonly account: Locator
  readonly email: Locator
  readonly password: Locator
  readonly submit: Locator
  readonly alert: Locator

  constructor(page: Page) {
    this.link = page.getByRole('button', { name: 'Sign in as support agent' })
    this.form = page.getByRole('form', { name: 'Support sign in' })
    this.account = this.form.getByLabel('Account')
    this.email = this.form.getByLabel('Email', { exact: true })
    this.password = this.form.getByLabel('Password', { exact: true })
    this.submit = this.form.getByRole('button', { name: 'Sign in as support agent' })
    this.alert = this.form.getByRole('alert')
  }

  async signIn(accountName: string, email: string, password: string): Promise<void> {
    await this.account.selectOption({ label: accountName })
    await this.email.fill(email)
    await this.password.fill(password)
    await this.password.press('Enter')
  }
}
