import { expect, type Locator, type Page } from '@playwright/test'

export class UsersPage {
  readonly heading: Locator
  readonly count: Locator
  readonly search: Locator
  readonly grid: Locator
  readonly rows: Locator
  readonly footer: Locator
  readonly statusFilters: Locator

  constructor(private readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Users', level: 1 })
    this.count = page.locator('.screen-count')
    this.search = page.getByRole('searchbox', { name: 'Search users by name or email' })
    this.grid = page.getByRole('grid', { name: 'Users' })
    this.rows = this.grid.locator('.dt-body').getByRole('row')
    this.footer = page.locator('.screen-footer')
    this.statusFilters = page.getByRole('group', { name: 'Filter by status' })
  }

  async expectVisible(): Promise<void> {
    await expect(this.heading).toBeVisible()
    await expect(this.count).toHaveText(/\d[\d,]* users?/)
  }

  /** The total the core reports for the current query ("2,001 users" → 2001). */
  async total(): Promise<number> {
    const text = (await this.count.textContent()) ?? ''
    return Number(text.replace(/[^\d]/g, ''))
  }

  /** The first row in view, from the footer ("Rows 12,001–12,016 of 20,001" → index 12,000). */
  async firstInView(): Promise<number> {
    const match = /Rows ([\d,]+)–/.exec((await this.footer.textContent()) ?? '')
    if (!match) throw new Error('The footer names no rows in view')
    return Number(match[1]!.replace(/,/g, '')) - 1
  }

  /** The checkbox of the row at this place in the whole list (0-based). */
  checkboxAt(index: number): Locator {
    return this.grid.locator(`[data-index="${index}"]`).getByRole('checkbox')
  }

  filter(label: string): Locator {
    return this.statusFilters.getByRole('button', { name: new RegExp(`^${label}\\s`) })
  }

  /** The count shown on a status chip. */
  async filterCount(label: string): Promise<number> {
    const text = (await this.filter(label).locator('.chip-count').textContent()) ?? ''
    return Number(text.replace(/[^\d]/g, ''))
  }

  sortButton(column: 'Name' | 'Email' | 'Last login'): Locator {
    return this.grid.getByRole('columnheader', { name: column }).getByRole('button')
  }

  columnHeader(column: string): Locator {
    return this.grid.getByRole('columnheader', { name: column })
  }

  /** Text of one column (0-based) for the rows currently rendered, in display order. */
  async column(index: number): Promise<string[]> {
    const rows = await this.rows.all()
    const withIndex = await Promise.all(
      rows.map(async (row) => ({
        index: Number(await row.getAttribute('data-index')),
        text: ((await row.getByRole('gridcell').nth(index).textContent()) ?? '').trim()
      }))
    )
    return withIndex.sort((a, b) => a.index - b.index).map((r) => r.text)
  }

  /** Names without the avatar initials beside them. */
  async names(): Promise<string[]> {
    return (await this.rows.locator('.user-name').allTextContents()).map((t) => t.trim())
  }

  /** Text of the column with this header (the checkbox column comes first only for managers). */
  async columnNamed(header: string): Promise<string[]> {
    const headers = (await this.grid.getByRole('columnheader').allTextContents()).map((t) => t.trim())
    const index = headers.indexOf(header)
    if (index < 0) throw new Error(`No column "${header}" in ${headers.join(', ')}`)
    return this.column(index)
  }

  emails(): Promise<string[]> {
    return this.columnNamed('Email')
  }

  statuses(): Promise<string[]> {
    return this.columnNamed('Status')
  }

  async scrollToEnd(): Promise<void> {
    await this.grid.locator('.dt-scroll').evaluate((el) => el.scrollTo({ top: el.scrollHeight }))
  }

  /** Waits for a settled query: the grid is not busy. */
  async settled(): Promise<void> {
    await expect(this.grid).not.toHaveAttribute('aria-busy', 'true')
  }
}
