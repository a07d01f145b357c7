import { expect, type Browser, type Page } from '@playwright/test'
import { DEFAULT_OWNER, screenshot, test, useApp, type App } from './support/app'
import { SignInPage } from './support/sign-in-page'
import { AppShell } from './support/app-shell'
import { UsersPage } from './support/users-page'
import { AuditPage } from './support/audit-page'
import { forceCall, tapSocket } from './support/force-call'
import { Mailbox } from './support/mailbox'
import { expectAccessible } from './support/axe'
import { dropFiles } from './support/drop-files'

const owner = DEFAULT_OWNER
const SEATS = 10
const app = useApp({ init: { ...owner, seats: SEATS } })
const grace = { email: 'grace.hopper@northwind.example', name: 'Grace Hopper', password: 'compiler-cobol-nanosecond-1906' }
// The password changes when an admin resets it (its test sets the new one).
const alan = { email: 'alan.turing@northwind.example', name: 'Alan Turing', password: 'enigma-bombe-morphogenesis-54' }
const LINK = /gatehouse:\/\/invite\/[A-Za-z0-9_-]{43}/

let mailbox: Mailbox
test.describe.configure({ mode: 'serial' })
test.beforeAll(async () => {
  mailbox = await Mailbox.start()
})
test.afterAll(async () => {
  await mailbox.stop()
})

async function signIn(app: App, page: Page, email: string, password: string): Promise<AppShell> {
  await app.open(page)
  await new SignInPage(page).signIn(email, password)
  const shell = new AppShell(page)
  await shell.expectVisible()
  return shell
}

/** A second window (its own browser context, so its own session), failing on page errors like the fixture does. */
async function window(browser: Browser, problems: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await context.newPage()
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`)
  })
  return page
}

function linkIn(text: string): string {
  const link = LINK.exec(text)?.[0]
  if (!link) throw new Error(`No invitation link in: ${text}`)
  return link
}

test('an Admin sets up SMTP in Settings and a test email arrives', async ({ page }) => {
  const shell = await signIn(app(), page, owner.email, owner.password)
  await shell.openSettings('Email delivery')
  await expect(page.getByRole('heading', { name: 'Email delivery', level: 1 })).toBeVisible()
  await expect(page.getByText('No mail server yet')).toBeVisible()
  await screenshot(page, 'settings-email-empty')

  const form = page.getByRole('form', { name: 'Mail server' })
  await form.getByLabel('Server').fill('127.0.0.1')
  await form.getByLabel('Port').fill(String(mailbox.port))
  await form.getByLabel('Encryption').selectOption('none')
  await form.getByLabel('From address').fill('it@northwind.example')
  await form.getByLabel('From name').fill('Northwind IT')
  await form.getByRole('button', { name: 'Save mail server' }).click()
  await expect(page.getByText('Mail server saved')).toBeVisible()

  await page.getByRole('button', { name: 'Send test email' }).click()
  const test = await mailbox.waitFor(owner.email)
  expect(test.subject.length).toBeGreaterThan(0)
  await expect(page.getByText(`accepted a test email to ${owner.email}`)).toBeVisible()
  await screenshot(page, 'settings-email')
})

test('teams start empty, with the seed examples one click away', async ({ page }) => {
  const shell = await signIn(app(), page, owner.email, owner.password)
  await shell.navLink('Teams').click()
  await expect(page.getByText('No teams yet')).toBeVisible()
  await screenshot(page, 'teams-empty')

  await page.getByRole('group', { name: 'Example teams' }).getByRole('button', { name: 'Support Tier 1' }).click()
  const dialog = page.getByRole('dialog', { name: 'New team' })
  await expect(dialog.getByLabel('Name')).toHaveValue('Support Tier 1')
  await expectAccessible(page, 'team-new-dialog')
  await dialog.getByRole('button', { name: 'Create team' }).click()
  await expect(page.getByRole('complementary', { name: 'Team Support Tier 1' })).toBeVisible()

  await page.getByRole('button', { name: 'New team' }).click()
  const second = page.getByRole('dialog', { name: 'New team' })
  await second.getByLabel('Name').fill('billing team')
  await second.getByLabel('Description').fill('Invoices, refunds and plan changes')
  await second.getByRole('button', { name: 'Create team' }).click()
  await expect(page.getByRole('complementary', { name: 'Team billing team' })).toBeVisible()

  // Names are unique ignoring case: the core refuses a second "Billing Team".
  await page.getByRole('button', { name: 'New team' }).click()
  const clash = page.getByRole('dialog', { name: 'New team' })
  await clash.getByLabel('Name').fill('Billing Team')
  await clash.getByRole('button', { name: 'Create team' }).click()
  await expect(clash.getByText(/already/i)).toBeVisible()
  await expectAccessible(page, 'team-name-taken')
  await clash.getByRole('button', { name: 'Cancel' }).click()
  await expect(page.getByRole('grid', { name: 'Teams' }).getByRole('row')).toHaveCount(3)
  await screenshot(page, 'teams-list')
})

test('a CSV import previews every row, refuses the bad one and emails the others', async ({ page }) => {
  await signIn(app(), page, owner.email, owner.password)
  const users = new UsersPage(page)
  await users.expectVisible()
  await expect(page.getByTestId('seat-use')).toHaveText(`1 of ${SEATS} seats`)

  await page.getByRole('button', { name: 'Import CSV' }).click()
  const wizard = page.getByRole('dialog', { name: 'Import users from CSV' })
  const [template] = await Promise.all([page.waitForEvent('download'), wizard.getByRole('button', { name: 'Download template' }).click()])
  expect(template.suggestedFilename()).toBe('gatehouse-users-template.csv')
  await expectAccessible(page, 'users-import-choose')

  const csv =
    '\ufeffemail,name,role,teams\r\n' +
    `${grace.email},"Hopper, Grace",agent,Support Tier 1\r\n` +
    `${alan.email},${alan.name},viewer,\r\n` +
    'not-an-email,Nobody,agent,\r\n'
  // Dropped from a file manager: two files, or one that is not a CSV, are refused with the reason.
  const dropZone = wizard.getByTestId('import-drop')
  await dropFiles(dropZone, [
    { name: 'a.csv', mimeType: 'text/csv', text: csv },
    { name: 'b.csv', mimeType: 'text/csv', text: csv }
  ])
  await expect(wizard.getByText('2 files were dropped; drop one CSV file at a time.')).toBeVisible()
  await dropFiles(dropZone, [{ name: 'people.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', text: 'PK' }])
  await expect(wizard.getByText('people.xlsx is not a CSV file. Save the sheet as CSV (UTF-8) and drop that.')).toBeVisible()
  await screenshot(page, 'users-import-drop-refused')
  await dropFiles(dropZone, [{ name: 'new-people.csv', mimeType: 'text/csv', text: csv }])

  const preview = page.getByRole('dialog', { name: 'Preview of new-people.csv' })
  await expect(preview.getByTestId('import-summary')).toContainText('2 rows ready')
  await expect(preview.getByTestId('import-summary')).toContainText('1 row refused')
  const bad = preview.getByRole('grid', { name: 'Import preview' }).getByRole('row').filter({ hasText: 'not-an-email' })
  await expect(bad).toContainText('Refused')
  await screenshot(page, 'users-import-preview')

  const [report] = await Promise.all([page.waitForEvent('download'), preview.getByRole('button', { name: 'Download error report' }).click()])
  const reportText = await readDownload(await report.path())
  expect(reportText).toContain('not-an-email')
  expect(reportText).toContain('reason')

  await preview.getByRole('button', { name: 'Invite 2 valid rows' }).click()
  const done = page.getByRole('dialog', { name: '2 people invited' })
  await expect(done.getByText('Sent by email.')).toHaveCount(2)
  await expect(done.getByText('1 row was refused')).toBeVisible()
  await screenshot(page, 'users-import-done')
  await done.getByRole('button', { name: 'Done' }).click()

  await expect.poll(() => users.filterCount('Invited')).toBe(2)
  await expect(page.getByTestId('seat-use')).toHaveText(`3 of ${SEATS} seats`)
  const [exported] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()])
  const exportText = await readDownload(await exported.path())
  expect(exportText).toContain(grace.email)
  expect(exportText).toContain(owner.email)
  expect(linkIn((await mailbox.waitFor(grace.email)).text)).toMatch(LINK)
  expect(linkIn((await mailbox.waitFor(alan.email)).text)).toMatch(LINK)
  expect(mailbox.messages.some((m) => m.to.includes('not-an-email'))).toBe(false)
  await screenshot(page, 'users-invited')
})

test('invitees join from the emailed link; roles, teams and deactivation reach open windows', async ({ page, browser }) => {
  test.setTimeout(150_000)
  const problems: string[] = []
  const shell = await signIn(app(), page, owner.email, owner.password)
  const users = new UsersPage(page)

  // Grace pastes the emailed link on the sign-in screen.
  const gracePage = await window(browser, problems)
  await app().open(gracePage)
  await gracePage.getByRole('button', { name: 'Accept an invitation' }).click()
  await gracePage.getByLabel('Invitation link').fill(linkIn((await mailbox.waitFor(grace.email)).text))
  await expectAccessible(gracePage, 'accept-invitation-link')
  await gracePage.getByRole('button', { name: 'Continue' }).click()
  await expect(gracePage.getByRole('heading', { name: `Join ${owner.account}` })).toBeVisible()
  await expect(gracePage.getByText('invited as Agent')).toBeVisible()
  await gracePage.getByLabel('Your name').fill(grace.name)
  await gracePage.getByLabel('Choose a password').fill(grace.password)
  await gracePage.getByLabel('Repeat the password').fill(grace.password)
  await screenshot(gracePage, 'accept-invitation')
  await gracePage.getByRole('button', { name: 'Accept and sign in' }).click()
  const graceShell = new AppShell(gracePage)
  await expect(graceShell.personRole).toHaveText('Agent')
  await expect(graceShell.navLink('Users')).toHaveCount(0)
  await screenshot(gracePage, 'agent-home')

  // Alan follows the deep link (#/invite/<token>); the Viewer's window taps its socket for a forced call.
  const alanPage = await window(browser, problems)
  await tapSocket(alanPage)
  const alanLink = linkIn((await mailbox.waitFor(alan.email)).text)
  await alanPage.goto(`${app().url}#/invite/${alanLink.slice('gatehouse://invite/'.length)}`)
  await expect(alanPage.getByRole('heading', { name: `Join ${owner.account}` })).toBeVisible()
  await alanPage.getByLabel('Your name').fill(alan.name)
  await alanPage.getByLabel('Choose a password').fill(alan.password)
  await alanPage.getByLabel('Repeat the password').fill(alan.password)
  await alanPage.getByRole('button', { name: 'Accept and sign in' }).click()
  await expect(new AppShell(alanPage).personRole).toHaveText('Viewer')

  // The link is single use.
  const again = await window(browser, problems)
  await app().open(again)
  await again.getByRole('button', { name: 'Accept an invitation' }).click()
  await again.getByLabel('Invitation link').fill(alanLink)
  await again.getByRole('button', { name: 'Continue' }).click()
  await expect(again.getByText('already used')).toBeVisible()
  await screenshot(again, 'accept-invitation-used')
  await again.context().close()

  // A Viewer sees the lists but no edit control, and the core refuses a forced write.
  const alanUsers = new UsersPage(alanPage)
  await alanUsers.expectVisible()
  await expect(alanPage.getByRole('button', { name: 'Invite users' })).toHaveCount(0)
  await expect(alanPage.getByRole('button', { name: 'Import CSV' })).toHaveCount(0)
  await expect(alanPage.getByRole('checkbox', { name: 'Select all loaded users' })).toHaveCount(0)
  await alanUsers.rows.filter({ hasText: grace.email }).click()
  const viewerPanel = alanPage.getByRole('complementary', { name: `Details of ${grace.name}` })
  await expect(viewerPanel).toBeVisible()
  await expect(viewerPanel.getByRole('combobox')).toHaveCount(0)
  await expect(viewerPanel.getByRole('button', { name: /Deactivate|Save|Upload/ })).toHaveCount(0)
  await screenshot(alanPage, 'users-viewer')
  const list = await forceCall(alanPage, 'users:list', { search: 'grace' })
  const graceId = (list.value as { rows: { id: string }[] }).rows[0]!.id
  const forced = await forceCall(alanPage, 'users:update', { membershipId: graceId, role: 'admin' })
  expect(forced.ok).toBe(false)
  expect(forced.error?.code).toBe('FORBIDDEN')

  // The Admin promotes Grace; her open window gains the Admin screens without a reload.
  await gracePage.evaluate(() => ((globalThis as unknown as { e2eMarker: number }).e2eMarker = 42))
  await users.expectVisible()
  await users.rows.filter({ hasText: grace.email }).click()
  const panel = page.getByRole('complementary', { name: `Details of ${grace.name}` })
  await panel.getByRole('combobox', { name: 'Role' }).selectOption('admin')
  const promote = page.getByRole('dialog', { name: `Make ${grace.name} Admin?` })
  await expect(promote).toContainText('grants full access immediately')
  await screenshot(page, 'user-panel-promote-confirm')
  await promote.getByRole('button', { name: 'Make Admin' }).click()
  await expect(panel.getByText('Role changed to Admin.')).toBeVisible()
  await expect(graceShell.navLink('Users')).toBeVisible()
  await expect(graceShell.navLink('Teams')).toBeVisible()
  await expect(graceShell.personRole).toHaveText('Admin')
  expect(await gracePage.evaluate(() => (globalThis as unknown as { e2eMarker?: number }).e2eMarker)).toBe(42)
  await screenshot(gracePage, 'promoted-admin-window')

  // Teams from the user's side: Grace joins Billing Team in her panel.
  await panel.getByRole('group', { name: 'Teams' }).getByLabel('billing team').check()
  await panel.getByRole('button', { name: 'Save teams' }).click()
  await expect(panel.getByText('Teams saved.')).toBeVisible()
  await screenshot(page, 'user-panel')
  await panel.getByRole('button', { name: 'Close details' }).click()
  await expect(users.rows.filter({ hasText: grace.email })).toContainText('billing team')

  // ...and from the team's side: Alan joins Support Tier 1 in the team panel.
  await shell.navLink('Teams').click()
  await page.getByRole('grid', { name: 'Teams' }).getByRole('row').filter({ hasText: 'Support Tier 1' }).click()
  const team = page.getByRole('complementary', { name: 'Team Support Tier 1' })
  await team.getByLabel('Add members').fill('Alan')
  await team.getByRole('list', { name: 'Matching people' }).getByRole('checkbox').first().check()
  await team.getByRole('button', { name: 'Add 1 person' }).click()
  await expect(team.getByText('1 person added.')).toBeVisible()
  await expect(team.getByRole('list').first()).toContainText(alan.name)
  await expect(page.getByRole('grid', { name: 'Teams' }).getByRole('row').filter({ hasText: 'Support Tier 1' })).toContainText('2 members')
  await screenshot(page, 'team-panel')
  // Escape closes the team panel (focus was inside it: it goes back to the team's row).
  await page.keyboard.press('Escape')
  await expect(team).toHaveCount(0)
  await expect(page.getByRole('grid', { name: 'Teams' }).getByRole('row').filter({ hasText: 'Support Tier 1' })).toBeFocused()

  // Bulk: all or nothing — a selection holding the Owner is refused whole, with the core's reason.
  await shell.navLink('Users').click()
  await users.expectVisible()
  await users.settled()
  await page.getByRole('checkbox', { name: 'Select all loaded users' }).check()
  const bulk = page.getByRole('region', { name: 'Bulk actions' })
  await expect(bulk).toContainText('3 selected')
  await bulk.getByRole('button', { name: 'Deactivate' }).click()
  const refuse = page.getByRole('dialog', { name: 'Deactivate 3 people?' })
  await refuse.getByRole('button', { name: 'Deactivate' }).click()
  await expect(refuse.getByRole('alert')).toBeVisible()
  await screenshot(page, 'users-bulk-refused')
  await refuse.getByRole('button', { name: 'Cancel' }).click()
  await bulk.getByRole('button', { name: 'Clear selection' }).click()
  await page.getByRole('checkbox', { name: `Select ${grace.name}` }).check()
  await page.getByRole('checkbox', { name: `Select ${alan.name}` }).check()
  await bulk.getByLabel('Add selected to team').selectOption({ label: 'billing team' })
  await expectAccessible(page, 'users-bulk-add-to-team-confirm')
  await page.getByRole('dialog', { name: 'Add 2 people to billing team?' }).getByRole('button', { name: 'Add to team' }).click()
  await expect(bulk).toHaveCount(0)
  await expect(users.rows.filter({ hasText: alan.email })).toContainText('billing team')

  // Deactivating Alan sends his open window back to sign-in, saying why.
  await users.rows.filter({ hasText: alan.email }).click()
  const alanPanel = page.getByRole('complementary', { name: `Details of ${alan.name}` })
  await alanPanel.getByRole('button', { name: 'Deactivate' }).click()
  await expectAccessible(page, 'user-panel-deactivate-confirm')
  await page.getByRole('dialog', { name: `Deactivate ${alan.name}?` }).getByRole('button', { name: 'Deactivate' }).click()
  await expect(alanPanel.getByText(/Deactivated: their sessions ended/)).toBeVisible()
  // The confirmation has closed: on a loaded machine axe once measured the rows through its backdrop.
  await expect(page.locator('dialog[open]')).toHaveCount(0)
  await expectAccessible(page, 'user-panel-deactivated')
  const alanSignIn = new SignInPage(alanPage)
  await alanSignIn.expectVisible()
  await expect(alanPage.getByRole('alert')).toContainText(/deactivated/i)
  await screenshot(alanPage, 'deactivated-window')
  await expect(page.getByTestId('seat-use')).toHaveText(`2 of ${SEATS} seats`)

  // The audit log tells the story with before and after values.
  await shell.navLink('Audit log').click()
  const audit = new AuditPage(page)
  await audit.expectVisible()
  const actions = await audit.actions()
  for (const action of ['settings.smtp-updated', 'team.created', 'users.imported', 'member.joined', 'member.role-changed', 'member.deactivated']) {
    expect(actions).toContain(action)
  }
  await audit.rowWithAction('member.role-changed').first().click()
  const role = audit.detail.getByRole('table', { name: /Fields that changed/ }).getByRole('row', { name: /role/ })
  await expect(role.getByRole('cell')).toHaveText(['agent', 'admin'])
  await screenshot(page, 'audit-role-change')

  // The Owner hands the account to Grace, an active Admin, re-entering the password.
  await shell.navLink('Users').click()
  await users.rows.filter({ hasText: grace.email }).click()
  await page.getByRole('complementary', { name: /^Details of / }).getByRole('button', { name: 'Transfer ownership…' }).click()
  const transfer = page.getByRole('dialog', { name: /^Transfer ownership to / })
  await expect(transfer.getByRole('button', { name: 'Transfer ownership' })).toBeDisabled()
  await transfer.getByLabel('Your password').fill(owner.password)
  await screenshot(page, 'transfer-ownership')
  await transfer.getByRole('button', { name: 'Transfer ownership' }).click()
  await expect(shell.personRole).toHaveText('Admin')
  await expect(graceShell.personRole).toHaveText('Owner')

  await gracePage.context().close()
  await alanPage.context().close()
  expect(problems).toEqual([])
})

test('without a mail server an invitation shows its link to copy; resend replaces it, revoke removes it', async ({ page }) => {
  const shell = await signIn(app(), page, owner.email, owner.password)
  await shell.openSettings('Email delivery')
  await page.getByRole('button', { name: 'Remove mail server' }).click()
  await expect(page.getByText('Mail server removed.')).toBeVisible()

  await shell.navLink('Users').click()
  const users = new UsersPage(page)
  await users.expectVisible()
  await page.getByRole('button', { name: 'Invite users' }).click()
  const invite = page.getByRole('dialog', { name: 'Invite users' })
  await invite.getByLabel('Email addresses').fill('katherine.johnson@northwind.example')
  await invite.getByLabel('Role').selectOption('viewer')
  await expectAccessible(page, 'invite-dialog')
  await invite.getByRole('button', { name: 'Send invitations' }).click()
  const created = page.getByRole('dialog', { name: '1 invitation created' })
  const first = await created.getByTestId('invite-link').textContent()
  expect(first).toMatch(LINK)
  await expect(created.getByRole('button', { name: 'Copy link' })).toBeVisible()
  await screenshot(page, 'invite-link')
  await created.getByRole('button', { name: 'Done' }).click()

  // Resent from the bulk bar: a new link to pass on, the first one void.
  await page.getByRole('checkbox', { name: 'Select katherine.johnson' }).check()
  await page.getByRole('region', { name: 'Bulk actions' }).getByRole('button', { name: 'Resend invitations' }).click()
  await page.getByRole('dialog', { name: 'Resend the invitations of 1 person?' }).getByRole('button', { name: 'Resend invitations' }).click()
  const passOn = page.getByRole('dialog', { name: '1 invitation to pass on' })
  const bulkLink = await passOn.getByTestId('invite-link').textContent()
  expect(bulkLink).toMatch(LINK)
  expect(bulkLink).not.toBe(first)
  await expectAccessible(page, 'bulk-resend-links')
  await passOn.getByRole('button', { name: 'Done' }).click()
  await expect(page.getByText(/Invitations resent: 1 person, 1 as links to pass on/)).toBeVisible()

  await users.rows.filter({ hasText: 'katherine.johnson' }).click()
  const panel = page.getByRole('complementary', { name: /katherine\.johnson/ })
  await expect(panel.getByText(/^Pending/)).toBeVisible()
  await panel.getByRole('button', { name: 'Resend invitation' }).click()
  const second = await panel.getByTestId('invite-link').textContent()
  expect(second).toMatch(LINK)
  expect(second).not.toBe(first)
  expect(second).not.toBe(bulkLink)
  await screenshot(page, 'user-panel-invited')
  await panel.getByRole('button', { name: 'Revoke invitation' }).click()
  await expectAccessible(page, 'user-panel-revoke-confirm')
  await page.getByRole('dialog', { name: /^Revoke the invitation/ }).getByRole('button', { name: 'Revoke' }).click()
  await expect(users.rows.filter({ hasText: 'katherine.johnson' })).toHaveCount(0)
})

test('an admin resets a password: the person gets a one-time link, chooses a new password and lands signed in; the old password stops working', async ({ page, browser }) => {
  const problems: string[] = []
  const shell = await signIn(app(), page, owner.email, owner.password)
  await shell.navLink('Users').click()
  const users = new UsersPage(page)
  await users.expectVisible()
  await users.rows.filter({ hasText: alan.email }).click()
  const panel = page.getByRole('complementary', { name: `Details of ${alan.name}` })
  // Deactivated by an earlier test: no reset for him then, as the core says; reactivated, there is.
  await expect(panel.getByRole('button', { name: 'Reset password…' })).toHaveCount(0)
  await panel.getByRole('button', { name: 'Reactivate' }).click()
  await page.getByRole('dialog', { name: `Reactivate ${alan.name}?` }).getByRole('button', { name: 'Reactivate' }).click()
  await expect(panel.getByText('Reactivated.')).toBeVisible()
  const alanPage = await window(browser, problems)
  const alanShell = await signIn(app(), alanPage, alan.email, alan.password)
  // The panel's recent activity follows the audit log as it grows.
  await expect(panel.getByRole('region', { name: 'Recent activity' }).getByRole('listitem').first()).toContainText(`${alan.name} signed in`)

  await panel.getByRole('button', { name: 'Reset password…' }).click()
  const confirm = page.getByRole('dialog', { name: `Reset the password of ${alan.name}?` })
  await expect(confirm).toContainText('Their current password keeps working until they use the link')
  await expectAccessible(page, 'user-panel-reset-confirm')
  await confirm.getByRole('button', { name: 'Create reset link' }).click()
  const link = (await panel.getByTestId('invite-link').textContent()) ?? ''
  expect(link).toMatch(/^gatehouse:\/\/reset\/[A-Za-z0-9_-]{43}$/)
  await screenshot(page, 'user-panel-reset-link')
  // Not used yet: Alan's window still works.
  await expect(alanShell.personRole).toHaveText('Viewer')

  const resetPage = await window(browser, problems)
  await app().open(resetPage)
  await resetPage.getByRole('button', { name: 'Use a password reset link' }).click()
  await resetPage.getByLabel('Password reset link').fill('gatehouse://reset/not-a-real-link')
  await resetPage.getByRole('button', { name: 'Continue' }).click()
  await expect(resetPage.getByText('This is not a Gatehouse password reset link')).toBeVisible()
  await resetPage.getByLabel('Password reset link').fill(link)
  await resetPage.getByRole('button', { name: 'Continue' }).click()
  await expect(resetPage.getByRole('heading', { name: 'Choose a new password' })).toBeVisible()
  await resetPage.getByLabel('New password', { exact: true }).fill('short')
  await resetPage.getByLabel('Repeat the password').fill('short')
  await resetPage.getByRole('button', { name: 'Save password and sign in' }).click()
  await expect(resetPage.getByText(/at least 12 characters/i).first()).toBeVisible()
  await expectAccessible(resetPage, 'reset-password-refused')
  await screenshot(resetPage, 'reset-password-refused')
  const chosen = 'difference-engine-analytical-1843'
  await resetPage.getByLabel('New password', { exact: true }).fill(chosen)
  await resetPage.getByLabel('Repeat the password').fill(chosen)
  await resetPage.getByRole('button', { name: 'Save password and sign in' }).click()
  await expect(new AppShell(resetPage).personRole).toHaveText('Viewer')
  // Alan's other window is signed out, saying why.
  await new SignInPage(alanPage).expectVisible()
  await expect(alanPage.getByText('Your password was changed in another session; sign in again.')).toBeVisible()

  // The link was used once; the old password no longer opens the account.
  const again = await window(browser, problems)
  await app().open(again)
  await again.getByRole('button', { name: 'Use a password reset link' }).click()
  await again.getByLabel('Password reset link').fill(link)
  await again.getByRole('button', { name: 'Continue' }).click()
  await expect(again.getByText('This password reset link was already used. Sign in with the password chosen then.')).toBeVisible()
  await again.getByRole('link', { name: 'Back to sign-in' }).click()
  const signInPage = new SignInPage(again)
  await signInPage.expectVisible()
  await signInPage.signIn(alan.email, alan.password)
  await expect(again.getByText('Wrong email or password.')).toBeVisible()
  alan.password = chosen
  for (const p of [alanPage, resetPage, again]) await p.context().close()
  expect(problems).toEqual([])
})

test('personal settings: name, theme kept in the profile, password change', async ({ page, browser }) => {
  const shell = await signIn(app(), page, grace.email, grace.password)
  await shell.openSettings('Personal settings')
  await expect(page.getByRole('heading', { name: 'Personal settings' })).toBeVisible()
  await page.getByRole('main').getByRole('radio', { name: 'Dark' }).check()
  await expect.poll(() => shell.theme()).toBe('dark')
  await page.getByLabel('Name', { exact: true }).fill('Rear Admiral Grace Brewster Murray Hopper of the United States Navy Reserve')
  await page.getByRole('button', { name: 'Save name' }).click()
  await expect(page.getByText('Name saved.')).toBeVisible()
  await expect(shell.personName).toHaveText(/Rear Admiral Grace/)
  // A 1600×1200 photo-like picture (noise does not compress) is resized in a canvas to ≤ 256 KB before it is sent.
  // A string, because the node project has no DOM types; it runs in Chromium.
  const photo = await page.evaluate<string>(`(() => {
    const canvas = document.createElement('canvas')
    canvas.width = 1600
    canvas.height = 1200
    const context = canvas.getContext('2d')
    const image = context.createImageData(canvas.width, canvas.height)
    for (let i = 0; i < image.data.length; i++) image.data[i] = (i * 2654435761) % 251
    context.putImageData(image, 0, 0)
    return canvas.toDataURL('image/png').split(',')[1]
  })()`)
  expect(Buffer.from(photo, 'base64').length).toBeGreaterThan(256 * 1024)
  await page.getByRole('main').getByLabel('Upload picture').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from(photo, 'base64') })
  await expect(page.getByText('Picture updated.')).toBeVisible()
  await expect(page.getByRole('main').locator('img.avatar-img')).toBeVisible()
  // Stored at most 128 px a side: avatars travel with every users-list row.
  const side = await page
    .getByRole('main')
    .locator('img.avatar-img')
    .evaluate((node: unknown) => {
      const img = node as { naturalWidth: number; naturalHeight: number }
      return Math.max(img.naturalWidth, img.naturalHeight)
    })
  expect(side).toBeLessThanOrEqual(128)
  await screenshot(page, 'personal-settings-dark')
  await shell.navLink('Users').click()
  await new UsersPage(page).expectVisible()
  await screenshot(page, 'users-dark')

  // Another window (no shared local storage) gets the theme from the profile.
  const problems: string[] = []
  const other = await window(browser, problems)
  const otherShell = await signIn(app(), other, grace.email, grace.password)
  await expect.poll(() => otherShell.theme()).toBe('dark')

  // Changing the password ends the other session.
  await shell.openSettings('Personal settings')
  const change = page.getByRole('form', { name: 'Change password' })
  await change.getByLabel('Current password').fill(grace.password)
  await change.getByLabel('New password', { exact: true }).fill(`${grace.password}-2`)
  await change.getByLabel('Repeat the new password').fill(`${grace.password}-2`)
  await change.getByRole('button', { name: 'Change password' }).click()
  await expect(change.getByText(/Password changed\. 1 other session was signed out/)).toBeVisible()
  await expectAccessible(page, 'personal-settings-password-changed')
  await new SignInPage(other).expectVisible()
  await other.context().close()
  expect(problems).toEqual([])
})

async function readDownload(path: string | null): Promise<string> {
  if (!path) throw new Error('The download has no file')
  const { readFile } = await import('node:fs/promises')
  return readFile(path, 'utf8')
}
