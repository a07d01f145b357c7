import { expect, type Locator, type Page } from '@playwright/test'

export class AuditPage {
  readonly heading: Locator
  readonly grid: Locator
  readonly rows: Locator
  readonly detail: Locator
  readonly footer: Locator

  constructor(page: Page) {
    this.heading = page.getByRole('heading', { name: 'Audit log', level: 1 })
    this.grid = page.getByRole('grid', { name: 'Audit events' })
    this.rows = this.grid.locator('.dt-body').getByRole('row')
    this.detail = page.getByRole('complementary')
    this.footer = page.locator('.screen-footer')
  }

  async expectVisible(): Promise<void> {
    await expect(this.heading).toBeVisible()
    await expect(this.rows.first()).toBeVisible()
  }

  /** The rendered row whose action code is `action` (newest first). */
  rowWithAction(action: string): Locator {
    return this.rows.filter({ has: this.grid.page().locator('.action-code', { hasText: new RegExp(`^${action.replace('.', '\\.')}$`) }) })
  }

  async actions(): Promise<string[]> {
    return (await this.rows.locator('.action-code').allTextContents()).map((t) => t.trim())
  }

  async scrollToEnd(): Promise<void> {
    await this.grid.locator('.dt-scroll').evaluate((el) => el.scrollTo({ top: el.scrollHeight }))
  }

  async settled(): Promise<void> {
    await expect(this.grid).not.toHaveAttribute('aria-busy', 'true')
  }
}
