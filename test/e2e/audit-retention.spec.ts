import { expect } from '@playwright/test'
import { DEFAULT_OWNER, screenshot, test, useApp } from './support/app'
import { SignInPage } from './support/sign-in-page'
import { AppShell } from './support/app-shell'
import { AuditPage } from './support/audit-page'
import { FileChooser } from './support/file-chooser'

const owner = { ...DEFAULT_OWNER, account: 'Contoso Retention' }
// The demo's people were invited between 700 and 366 days ago: those events are past a year.
const app = useApp({ init: owner, demo: { users: 30, events: 400, seed: 5 } })

test('retention: the Owner chooses a year, sees what is past it, exports the whole log, purges it, and the ledger still verifies', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 900 })
  const chooser = await FileChooser.standIn(page)
  await app().open(page)
  await new SignInPage(page).signIn(owner.email, owner.password)
  const shell = new AppShell(page)
  await shell.expectVisible()
  await shell.openSettings('Account and plan')
  const retention = page.getByRole('region', { name: 'Audit retention' })
  await expect(retention).toContainText('Nothing is ever removed.')
  await expect(retention.getByRole('button', { name: 'Purge' })).toHaveCount(0)

  // A year: what is past it is shown, and nothing can go before a complete export holds it.
  await retention.getByLabel('Keep audit and login events').selectOption({ label: '1 year' })
  await retention.getByRole('button', { name: 'Save' }).click()
  await expect(retention.getByRole('status')).toHaveText('Saved: 1 year. Nothing is removed until someone purges.')
  const due = retention.getByTestId('retention-due')
  await expect(due).toContainText(/^Past the period \(before .+\): [\d,]+ audit events and no login events\./)
  const pastText = (await due.locator('p').first().textContent()) ?? ''
  const past = Number(/: ([\d,]+) audit events/.exec(pastText)![1]!.replace(/,/g, ''))
  expect(past).toBeGreaterThanOrEqual(30)
  await expect(due).toContainText('No complete export yet.')
  await expect(retention.getByRole('alert')).toHaveText(`${past.toLocaleString('en-GB')} events past the period are not in a complete export yet and will be kept until one holds them.`)
  await expect(retention.getByRole('button', { name: 'Purge' })).toBeDisabled()
  await expect(retention).toContainText('Nothing exported is past the period.')
  await screenshot(page, 'retention-not-exported')

  // The whole log exported by the Owner (no filter): complete, with the tree head it started at.
  await shell.goTo('Audit log')
  const audit = new AuditPage(page)
  await audit.expectVisible()
  await audit.settled()
  await page.getByRole('button', { name: 'Export CSV' }).click()
  await expect(page.getByText(/^Exported [\d,]+ events to gatehouse-audit-/)).toBeVisible({ timeout: 30_000 })
  expect((await chooser.file())?.closed).toBe(true)

  await shell.openSettings('Account and plan')
  await expect(due).toContainText(/Last complete export: .+, the first [\d,]+ events \(tree head [0-9a-f]{16}…\)\./)
  await expect(retention.getByRole('alert')).toHaveCount(0)
  await retention.getByRole('button', { name: 'Purge' }).click()
  const dialog = page.getByRole('dialog', { name: 'Purge what is past the retention period?' })
  await expect(dialog.getByTestId('retention-confirm')).toContainText(`of ${past.toLocaleString('en-GB')} audit events before`)
  await screenshot(page, 'retention-confirm')
  await dialog.getByRole('button', { name: 'Purge' }).click()
  await expect(dialog).toHaveCount(0)
  await expect(retention.getByRole('status')).toHaveText(`Purged ${past.toLocaleString('en-GB')} audit events and no login events.`)
  await expect(due).toContainText(`Content removed so far: ${past.toLocaleString('en-GB')} events.`)
  await expect(retention.getByRole('button', { name: 'Purge' })).toBeDisabled()
  await screenshot(page, 'retention-purged')

  // The log: the purge is an event of its own, the old rows say what happened, and every hash still holds.
  await shell.goTo('Audit log')
  await audit.settled()
  await expect(page.getByRole('main')).toContainText(`purged ${past} audit events and 0 login events older than`)
  await page.getByLabel('Search the audit log').fill('Content removed')
  await audit.settled()
  await expect(page.locator('.screen-count')).toHaveText(`${past.toLocaleString('en-GB')} matching events`)
  const integrity = page.getByRole('region', { name: 'Integrity' })
  await integrity.getByRole('button', { name: 'Verify integrity' }).click()
  await expect(integrity.getByText(/^Full check passed: [\d,]+ events recomputed, every signed tree head matches/)).toBeVisible({ timeout: 30_000 })
})
