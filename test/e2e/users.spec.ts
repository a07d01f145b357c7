import { expect } from '@playwright/test'
import { DEFAULT_OWNER, screenshot, test, useApp } from './support/app'
import { SignInPage } from './support/sign-in-page'
import { AppShell } from './support/app-shell'
import { UsersPage } from './support/users-page'
import { AuditPage } from './support/audit-page'

// Long names on purpose: the sidebar and the table must ellipsize, not wrap or overflow.
const owner = {
  ...DEFAULT_OWNER,
  account: 'The International Consolidated Northwind Traders & Logistics Holding Company of Greater Europe',
  name: 'Maximiliana Theodora Wolfeschlegelsteinhausen-Bergerdorff-Montgomery',
  email: 'maximiliana.theodora.wolfeschlegelsteinhausen@northwind-consolidated.example'
}
const DEMO_USERS = 2000
const app = useApp({ init: owner, demo: { users: DEMO_USERS, events: 5000 } })

test.describe.configure({ mode: 'serial' })

test.beforeEach(async ({ page }) => {
  await app().open(page)
  await new SignInPage(page).signIn(owner.email, owner.password)
  await new AppShell(page).expectVisible()
})

test('the users list pages, searches, filters and sorts on the server', async ({ page }) => {
  const users = new UsersPage(page)
  await users.expectVisible()
  const total = await users.total()
  expect(total).toBe(DEMO_USERS + 1)
  await expect(users.footer).toContainText(new RegExp(`Rows 1–\\d+ of ${total.toLocaleString('en-US')}`))
  // Virtualized: only the rows in view are in the DOM, not the 100 loaded.
  expect(await users.rows.count()).toBeLessThan(60)
  await expect(users.grid).toHaveAttribute('aria-rowcount', String(total + 1))
  await screenshot(page, 'users-demo')

  // The scrollbar covers the whole result: its end is the last row, fetched by its position.
  await users.scrollToEnd()
  await expect(users.footer).toContainText(new RegExp(`Rows [\\d,]+–${total.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`))
  await expect(page.locator(`[data-index="${total - 1}"] .user-name`)).toBeVisible()
  await page.locator('.dt-scroll').evaluate((el) => el.scrollTo({ top: 0 }))
  // Back at the top: the first rows are rendered again before they are read.
  await expect(page.locator('[data-index="0"] .user-name')).toBeVisible()
  await expect(page.locator('.dt-placeholder-row')).toHaveCount(0)

  // Search narrows by name or email (debounced, then answered by the core).
  const firstName = (await users.names())[0]!.split(/\s+/)[0]!
  await users.search.fill(firstName)
  await expect.poll(() => users.total()).toBeLessThan(total)
  await users.settled()
  const narrowed = await users.total()
  expect(narrowed).toBeGreaterThan(0)
  const term = firstName.toLowerCase()
  for (const [name, email] of zip(await users.names(), await users.emails())) {
    expect(`${name} ${email}`.toLowerCase()).toContain(term)
  }
  await screenshot(page, 'users-search')

  // Nothing matches: a clear empty state naming the search.
  await users.search.fill('zzqx-nobody')
  await expect(page.getByText("No users match 'zzqx-nobody'")).toBeVisible()
  await expect(users.count).toHaveText('0 users')
  await screenshot(page, 'users-empty')
  await page.getByRole('button', { name: 'Clear filters' }).click()
  await expect(users.search).toHaveValue('')
  await expect.poll(() => users.total()).toBe(total)

  // Status filter: the chip's count is the total, and every row has that status.
  const deactivated = await users.filterCount('Deactivated')
  expect(deactivated).toBeGreaterThan(0)
  await users.filter('Deactivated').click()
  await expect(users.filter('Deactivated')).toHaveAttribute('aria-pressed', 'true')
  await expect.poll(() => users.total()).toBe(deactivated)
  await users.settled()
  expect(new Set(await users.statuses())).toEqual(new Set(['Deactivated']))
  await screenshot(page, 'users-filter-deactivated')
  await users.filter('All').click()
  await expect.poll(() => users.total()).toBe(total)

  // Sorting: last login (most recent first on the first click), then email both ways. Demo
  // emails follow names, so last login is the order that proves the email sort changed anything.
  await users.settled()
  await users.sortButton('Last login').click()
  await expect(users.columnHeader('Last login')).toHaveAttribute('aria-sort', 'descending')
  await expect.poll(async () => isSorted(await users.emails(), 'asc')).toBe(false)
  await users.sortButton('Email').click()
  await expect(users.columnHeader('Email')).toHaveAttribute('aria-sort', 'ascending')
  await expect(users.columnHeader('Last login')).not.toHaveAttribute('aria-sort', /./)
  await expect.poll(async () => isSorted(await users.emails(), 'asc')).toBe(true)
  await users.sortButton('Email').click()
  await expect(users.columnHeader('Email')).toHaveAttribute('aria-sort', 'descending')
  await expect.poll(async () => isSorted(await users.emails(), 'desc')).toBe(true)
  expect((await users.emails()).length).toBeGreaterThan(10)
  await screenshot(page, 'users-sorted-email-desc')
})

test('rows are reachable by keyboard, and End reaches the last row of the whole list', async ({ page }) => {
  const users = new UsersPage(page)
  await users.expectVisible()
  await users.settled()
  await users.rows.first().focus()
  await expect(users.rows.first()).toBeFocused()
  await page.keyboard.press('ArrowDown')
  await expect(page.locator('[data-index="1"]')).toBeFocused()
  await screenshot(page, 'users-keyboard-focus')
  await page.keyboard.press('End')
  await expect(page.locator(`[data-index="${DEMO_USERS}"]`)).toBeFocused()
  await expect(page.locator(`[data-index="${DEMO_USERS}"] .user-name`)).toBeVisible()
  await page.keyboard.press('PageUp')
  await expect(page.locator(':focus')).toHaveAttribute('data-index', /^19\d\d$/)
  await page.keyboard.press('Home')
  await expect(page.locator('[data-index="0"]')).toBeFocused()
})

test('the grid is one tab stop: arrows move inside, Space ticks, Enter opens, Escape closes', async ({ page }) => {
  const users = new UsersPage(page)
  await users.expectVisible()
  await users.settled()
  const focusedInGrid = users.grid.locator(':focus')

  // Tab from the search box reaches the grid once, on a row; the next Tab leaves it, whatever the row holds (a checkbox).
  await users.search.focus()
  for (let i = 0; i < 20 && (await focusedInGrid.count()) === 0; i++) await page.keyboard.press('Tab')
  await expect(users.rows.first()).toBeFocused()
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('ArrowDown')
  await expect(page.locator('[data-index="2"]')).toBeFocused()
  await page.keyboard.press('Tab')
  await expect(focusedInGrid).toHaveCount(0)
  // Shift+Tab comes back to the row that was active, not to the first one.
  await page.keyboard.press('Shift+Tab')
  await expect(page.locator('[data-index="2"]')).toBeFocused()

  // Space ticks the row's checkbox (the bulk bar appears) and unticks it; focus stays on the row.
  const third = page.locator('[data-index="2"]')
  await page.keyboard.press('Space')
  await expect(third.getByRole('checkbox')).toBeChecked()
  await expect(page.getByRole('region', { name: 'Bulk actions' })).toContainText('1 selected')
  await expect(third).toBeFocused()
  await page.keyboard.press('Space')
  await expect(third.getByRole('checkbox')).not.toBeChecked()

  // Up from the first row reaches the header's controls; Left/Right move between them, Down returns.
  await page.keyboard.press('Home')
  await page.keyboard.press('ArrowUp')
  await expect(page.getByRole('checkbox', { name: 'Select all loaded users' })).toBeFocused()
  await page.keyboard.press('ArrowRight')
  await expect(users.sortButton('Name')).toBeFocused()
  await page.keyboard.press('ArrowRight')
  await expect(users.sortButton('Email')).toBeFocused()
  await page.keyboard.press('ArrowDown')
  await expect(users.rows.first()).toBeFocused()

  // Enter opens the person's panel; Escape closes it and focus is back on the row.
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('Enter')
  const panel = page.getByRole('complementary', { name: /^Details of / })
  await expect(panel).toBeVisible()
  await screenshot(page, 'users-panel-keyboard')
  await page.keyboard.press('Escape')
  await expect(panel).toHaveCount(0)
  await expect(page.locator('[data-index="1"]')).toBeFocused()

  // Escape from inside the panel closes it too, and focus returns to the row rather than being lost.
  await page.keyboard.press('Enter')
  await expect(panel).toBeVisible()
  await panel.getByRole('button', { name: 'Close details' }).focus()
  await page.keyboard.press('Escape')
  await expect(panel).toHaveCount(0)
  await expect(page.locator('[data-index="1"]')).toBeFocused()

  // A dialog takes its own Escape: the panel behind it stays open.
  await page.keyboard.press('Enter')
  await expect(panel).toBeVisible()
  await page.getByRole('button', { name: 'Invite users' }).click()
  const invite = page.getByRole('dialog', { name: 'Invite users' })
  await expect(invite).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(invite).toHaveCount(0)
  await expect(panel).toBeVisible()
})

test('long names ellipsize in the sidebar and the table', async ({ page }) => {
  const shell = new AppShell(page)
  const users = new UsersPage(page)
  await users.search.fill('Wolfeschlegelsteinhausen')
  await expect(users.count).toHaveText('1 user')
  for (const locator of [shell.accountName, shell.personName, users.rows.first().locator('.user-name')]) {
    const { scrollWidth, clientWidth, overflow } = await locator.evaluate((el) => ({
      scrollWidth: el.scrollWidth,
      clientWidth: el.clientWidth,
      overflow: getComputedStyle(el).textOverflow
    }))
    expect(overflow).toBe('ellipsis')
    expect(scrollWidth).toBeGreaterThan(clientWidth)
  }
  // The full name is still available on hover.
  await expect(shell.accountName).toHaveAttribute('title', owner.account)
  await screenshot(page, 'users-long-names')
})

test('the audit log pages back through thousands of demo events', async ({ page }) => {
  const shell = new AppShell(page)
  await shell.goTo('Audit log')
  const audit = new AuditPage(page)
  await audit.expectVisible()
  await expect(audit.rows.first().locator('.action-code')).toHaveText('auth.signed-in')
  await expect(audit.footer).toContainText('100 events loaded')
  await audit.scrollToEnd()
  await expect(audit.footer).toContainText('200 events loaded')
  const shown = await audit.rows.first().getAttribute('data-index')
  await audit.rows.first().click()
  await expect(audit.detail).toBeVisible()
  await screenshot(page, 'audit-demo')
  // Escape closes the event's detail; focus stays on the row that showed it.
  await page.keyboard.press('Escape')
  await expect(audit.detail).toHaveCount(0)
  await expect(audit.grid.locator(`[data-index="${shown}"]`)).toBeFocused()
})

function zip<A, B>(a: A[], b: B[]): [A, B][] {
  return a.map((x, i) => [x, b[i]!])
}

function isSorted(values: string[], direction: 'asc' | 'desc'): boolean {
  const sorted = [...values].sort(caseInsensitive)
  if (direction === 'desc') sorted.reverse()
  return values.length > 1 && values.every((v, i) => v === sorted[i])
}

function caseInsensitive(a: string, b: string): number {
  const x = a.toLowerCase()
  const y = b.toLowerCase()
  return x < y ? -1 : x > y ? 1 : 0
}
