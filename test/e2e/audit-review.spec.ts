import { expect, type Page } from '@playwright/test'
import { DEFAULT_OWNER, screenshot, test, useApp } from './support/app'
import { SignInPage } from './support/sign-in-page'
import { AppShell } from './support/app-shell'
import { AuditPage } from './support/audit-page'
import { FileChooser } from './support/file-chooser'

const owner = { ...DEFAULT_OWNER, account: 'Contoso Audit Review' }
const app = useApp({ init: owner, demo: { users: 300, events: 6000, seed: 11 } })

async function openAudit(page: Page): Promise<AuditPage> {
  await app().open(page)
  await new SignInPage(page).signIn(owner.email, owner.password)
  const shell = new AppShell(page)
  await shell.expectVisible()
  await shell.goTo('Audit log')
  const audit = new AuditPage(page)
  await audit.expectVisible()
  await audit.settled()
  return audit
}

/** The number in the count line under the heading ("6,321 events", "12 matching events", "10,000+ …"). */
async function shownTotal(page: Page): Promise<number> {
  // Between a filter and its answer the line is blank: wait for the figure.
  await expect(page.locator('.screen-count')).toHaveText(/\d/)
  const text = (await page.locator('.screen-count').textContent()) ?? ''
  return Number(text.replace(/[^\d]/g, ''))
}

test('filters the audit log by action, period and search, in the URL; reads a change field by field', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 800 })
  const audit = await openAudit(page)
  await expect(page.locator('.screen-count')).toHaveText(/^[\d,]+ events$/)
  const all = await shownTotal(page)
  expect(all).toBeGreaterThan(6000)
  await expect(page.getByRole('img', { name: /^Events per day/ })).toBeVisible()
  await screenshot(page, 'audit-review-all')

  // One action of the catalog: every row is one, and the total is the exact count of them.
  await page.getByLabel('Action', { exact: true }).selectOption({ label: 'Role changed' })
  await expect(page).toHaveURL(/action=member\.role-changed/)
  await expect(page.locator('.screen-count')).toHaveText(/matching events$/)
  await audit.settled()
  await expect.poll(async () => new Set(await audit.actions())).toEqual(new Set(['member.role-changed']))
  const roleChanges = await shownTotal(page)
  expect(roleChanges).toBeGreaterThan(100)
  expect(roleChanges).toBeLessThan(all)

  // A preset period narrows it further.
  await page.getByLabel('Time range').selectOption({ label: 'Last 30 days' })
  await expect(page).toHaveURL(/period=30d/)
  await expect.poll(() => shownTotal(page)).toBeLessThan(roleChanges)
  await audit.settled()

  // A word of a summary: each row holds it.
  const summary = (await audit.rows.first().locator('.dt-cell').nth(3).textContent())!
  const word = summary.match(/changed (\p{L}+)/u)![1]!
  await page.getByLabel('Search the audit log').fill(word)
  await expect(page).toHaveURL(new RegExp(`q=${word}`))
  await audit.settled()
  await expect.poll(async () => (await audit.rows.allTextContents()).every((row) => row.toLowerCase().includes(word.toLowerCase()))).toBe(true)
  await screenshot(page, 'audit-review-filtered')

  // The detail: the role as a field changed from one value to another, raw JSON one click away.
  await audit.rows.first().click()
  const diff = audit.detail.getByRole('table', { name: /Fields that changed/ })
  await expect(diff).toBeVisible()
  const roleRow = diff.getByRole('row', { name: /role/ })
  await expect(roleRow).toContainText('changed')
  await expect(roleRow.getByRole('cell')).toHaveCount(2)
  const [before, after] = await roleRow.getByRole('cell').allTextContents()
  expect(before).toMatch(/^(owner|admin|agent|viewer)$/)
  expect(after).toMatch(/^(admin|agent|viewer)$/)
  await audit.detail.getByRole('button', { name: 'Show raw JSON' }).click()
  await expect(audit.detail.getByLabel('Value after')).toContainText(`"role": "${after}"`)
  await screenshot(page, 'audit-review-detail')

  // The actor as a filter of its own; the chip takes it off again.
  await audit.detail.getByRole('button', { name: 'Show events by this actor' }).click()
  await expect(page).toHaveURL(/actor=/)
  await expect(page.locator('.audit-chip')).toContainText('By ')
  await audit.settled()

  // The URL is the view: opened again (a bookmark; signing in again), the same filters and the same total.
  const url = page.url()
  const total = await shownTotal(page)
  await page.goto('about:blank')
  await page.goto(url)
  await new SignInPage(page).signIn(owner.email, owner.password)
  await expect(page).toHaveURL(url)
  await audit.settled()
  await expect(page.getByLabel('Action', { exact: true })).toHaveValue('member.role-changed')
  await expect(page.getByLabel('Time range')).toHaveValue('30d')
  await expect(page.getByLabel('Search the audit log')).toHaveValue(word)
  await expect.poll(() => shownTotal(page)).toBe(total)

  // Nothing matches: said so, with the way out.
  await page.getByLabel('Search the audit log').fill('zzqxnothingmatches')
  await expect(page.getByText('No events match')).toBeVisible()
  await screenshot(page, 'audit-review-empty')
  await page.getByRole('button', { name: 'Clear filters' }).click()
  await expect(page).not.toHaveURL(/\?/)
  // Everything again, exactly: one more event than at first, the second sign-in.
  await expect.poll(() => shownTotal(page)).toBe(all + 1)
})

test('dragging across the chart narrows the time range to those days', async ({ page }) => {
  const audit = await openAudit(page)
  await page.getByLabel('Time range').selectOption({ label: 'Last 90 days' })
  await audit.settled()
  const before = await shownTotal(page)
  // The chart is drawn again for each answer (the sign-in itself adds an event): wait for the last.
  const plot = page.locator('.audit-chart-plot .u-over')
  await expect(plot).toBeVisible()
  await page.waitForTimeout(300)
  const box = (await plot.boundingBox())!
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2)
  await page.mouse.down()
  await page.mouse.move(box.x + box.width * 0.45, box.y + box.height / 2, { steps: 8 })
  await page.mouse.up()
  await expect(page).toHaveURL(/period=custom&from=\d+&to=\d+/)
  await expect(page.getByLabel('Time range')).toHaveValue('custom')
  await expect.poll(() => shownTotal(page)).toBeLessThan(before)
  const from = Number(new URL(page.url().replace('#/', '')).searchParams.get('from'))
  const to = Number(new URL(page.url().replace('#/', '')).searchParams.get('to'))
  // Whole local days, some two weeks of them.
  expect(new Date(from).getHours()).toBe(0)
  expect((to - from) / 86_400_000).toBeGreaterThan(8)
  expect((to - from) / 86_400_000).toBeLessThan(20)
  await audit.settled()
  const times = await audit.rows.locator('time').evaluateAll((els) => els.map((el) => Date.parse(el.getAttribute('datetime')!)))
  expect(times.length).toBeGreaterThan(0)
  expect(times.every((t) => t >= from && t < to)).toBe(true)
  // Local time shown, UTC on hover.
  await expect(audit.rows.first().locator('time')).toHaveAttribute('title', /UTC$/)
  await new AppShell(page).setTheme('Dark')
  await screenshot(page, 'audit-review-range-dark')
})

/**
 * The renderer's longest task while `during` runs (a PerformanceObserver of long tasks, which
 * Chromium reports for anything over 50 ms); 0 when none was that long.
 */
async function longestTask(page: Page, during: () => Promise<void>): Promise<number> {
  await page.evaluate(() => {
    const w = window as unknown as { __longest: number; __observer?: PerformanceObserver }
    w.__longest = 0
    w.__observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__longest = Math.max(w.__longest, entry.duration)
    })
    w.__observer.observe({ type: 'longtask', buffered: false })
  })
  await during()
  return page.evaluate(() => {
    const w = window as unknown as { __longest: number; __observer?: PerformanceObserver }
    w.__observer?.disconnect()
    return w.__longest
  })
}

/**
 * Wait, inside a long-task watch, until the element of `selector` says `text`: a cheap check every
 * 100 ms, where Playwright's own locator polling walks the page's DOM on its main thread (tens of
 * milliseconds a round with a grid on screen) and would be counted as the screen's.
 */
async function quietlyWaitFor(page: Page, selector: string, text: RegExp): Promise<void> {
  await page.waitForFunction(
    ([sel, source]) => new RegExp(source!).test(document.querySelector(sel!)?.textContent ?? ''),
    [selector, text.source],
    { polling: 100, timeout: 30_000 }
  )
}

test('exports the filtered view as CSV, streamed to the chosen file with progress, and can cancel', async ({ page }) => {
  const chooser = await FileChooser.standIn(page)
  const audit = await openAudit(page)
  await page.getByLabel('Action', { exact: true }).selectOption({ label: 'All of Users' })
  // The filtered answer in place (the grid, the count, the chart) before the watch starts.
  await expect(page.locator('.screen-count')).toHaveText(/^[\d,]+ matching events$/)
  await audit.settled()
  const total = await shownTotal(page)
  const longest = await longestTask(page, async () => {
    await page.getByRole('button', { name: 'Export CSV' }).click()
    await quietlyWaitFor(page, '.banner-info', /^Exported [\d,]+ events to gatehouse-audit-/)
  })
  await expect(page.getByText(/^Exported [\d,]+ events to gatehouse-audit-/)).toBeVisible()
  console.info(`audit export (${total} events): longest renderer task ${longest.toFixed(0)} ms`)
  expect(longest).toBeLessThanOrEqual(50)
  const file = (await chooser.file())!
  expect(file.closed).toBe(true)
  expect(file.name).toMatch(/^gatehouse-audit-\d{4}-\d{2}-\d{2}\.csv$/)
  const lines = file.chunks.join('').split('\r\n').filter((l) => l !== '')
  expect(lines[0]).toBe('\uFEFFseq,time_utc,actor_kind,actor_id,actor_name,actor_email,actor_role,action,summary,target_type,target_id,target_name,before,after,ip,device')
  // Every row one of the filter's actions; as many as the total said (the export's own event is not a Users action).
  expect(lines.length - 1).toBe(total)
  expect(lines.slice(1).every((l) => /,member\.(created|updated|role-changed|deactivated|reactivated|password-reset(-issued)?),/.test(l) || /,users\./.test(l))).toBe(true)
  await screenshot(page, 'audit-review-exported')

  // Cancel: stopped before the next page, the file given up.
  await page.getByRole('button', { name: 'Dismiss' }).click()
  await page.getByRole('button', { name: 'Clear filters' }).click()
  await audit.settled()
  await chooser.holdWrites()
  await page.getByRole('button', { name: 'Export JSON Lines' }).click()
  await expect(page.getByRole('progressbar', { name: 'Export progress' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Export CSV' })).toBeDisabled()
  await page.getByRole('button', { name: 'Cancel' }).click()
  await chooser.letGo()
  await expect(page.getByText(/^Export cancelled after [\d,]+ events; no file was kept\.$/)).toBeVisible()
  const second = await chooser.file()
  expect(second).toMatchObject({ aborted: true, closed: false })
})

test('without a file chooser, the export downloads when it is complete', async ({ page }) => {
  await page.addInitScript(() => {
    delete (window as unknown as { showSaveFilePicker?: unknown }).showSaveFilePicker
  })
  const audit = await openAudit(page)
  await page.getByLabel('Time range').selectOption({ label: 'Last 7 days' })
  await audit.settled()
  const total = await shownTotal(page)
  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Export JSON Lines' }).click()
  const file = await download
  expect(file.suggestedFilename()).toMatch(/^gatehouse-audit-\d{4}-\d{2}-\d{2}\.jsonl$/)
  const text = await (await file.createReadStream()).toArray()
  const lines = Buffer.concat(text).toString('utf8').trimEnd().split('\n')
  // The total counted before the export; the file also holds the export's own event.
  expect(lines.length).toBe(total + 1)
  expect((JSON.parse(lines[0]!) as { action: string }).action).toBe('audit.exported')
})

test('verifies integrity from the screen, full and then only the new events, saying when each last passed', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 800 })
  await openAudit(page)
  const integrity = page.getByRole('region', { name: 'Integrity' })
  await expect(integrity).toContainText('No full check has passed yet')
  await expect(integrity.getByRole('button', { name: 'Check new events' })).toBeDisabled()
  const longest = await longestTask(page, async () => {
    await integrity.getByRole('button', { name: 'Verify integrity' }).click()
    await quietlyWaitFor(page, '.audit-integrity', /Full check passed: [\d,]+ events recomputed, every signed tree head matches/)
  })
  await expect(integrity.getByText(/^Full check passed: [\d,]+ events recomputed, every signed tree head matches/)).toBeVisible()
  console.info(`verify from the screen: longest renderer task ${longest.toFixed(0)} ms`)
  expect(longest).toBeLessThanOrEqual(50)
  await expect(integrity).toContainText(/Full check passed \([\d,]+ events\):/)
  await integrity.getByRole('button', { name: 'Check new events' }).click()
  await expect(integrity.getByText(/^New events check passed: [\d,]+ events since the last pass recomputed/)).toBeVisible()
  await expect(integrity).toContainText(/New events check passed \([\d,]+ new\):/)
  await screenshot(page, 'audit-review-verified')
})
