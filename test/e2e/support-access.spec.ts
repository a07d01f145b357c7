import { readFile } from 'node:fs/promises'
import { expect, type Browser, type Page } from '@playwright/test'
import { DEFAULT_OWNER, screenshot, test, useApp, type App } from './support/app'
import { SignInPage } from './support/sign-in-page'
import { AppShell } from './support/app-shell'
import { AuditPage } from './support/audit-page'
import { forceCall, tapSocket } from './support/force-call'
import { SupportAccessPage, SupportSignInPage } from './support/support-access-page'

const owner = DEFAULT_OWNER
const agent = { name: 'Sam Rivera', email: 'sam.rivera@vendor-support.example', password: 'copper-lantern-meadow-51' }
const admin = { name: 'Grace Admin', email: 'grace.admin@northwind.example', password: 'orchid-tunnel-basalt-38' }
const SUPPORT_ACCESS_PATH = '#/settings/access-control/support-access'
const TURNED_OFF = 'Support access was turned off by the account owner.'

/** A second person's window: its own context (cookies, session), the same page-health rules. */
async function openWindow(browser: Browser, app: App): Promise<{ page: Page; problems: string[]; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await context.newPage()
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`)
  })
  await tapSocket(page)
  await app.open(page)
  return { page, problems, close: () => context.close() }
}

async function signInOwner(page: Page, app: App): Promise<void> {
  // A controllable clock (time still flows) so the countdown can be moved forward.
  await page.clock.install()
  await tapSocket(page)
  await app.open(page)
  await new SignInPage(page).signIn(owner.email, owner.password)
  await new AppShell(page).expectVisible()
}

test.describe('paid account', () => {
  // Agents are added with the CLI before the server starts: one writing process per store.
  const app = useApp({
    init: { ...owner, plan: 'paid' },
    demo: { users: 40, events: 200 },
    before: [{ args: ['support-agent', 'add', '--email', agent.email, '--name', agent.name], env: { GATEHOUSE_AGENT_PASSWORD: agent.password } }]
  })

  test('the Owner grants, changes and revokes support access while an agent works; an Admin never sees it', async ({ page, browser }) => {
    test.setTimeout(120_000)
    // While the server runs, a second writing process is refused with a clear line.
    const secondWriter = await app().cli(['support-agent', 'add', '--email', 'late@vendor.example', '--name', 'Late Agent'], {
      GATEHOUSE_AGENT_PASSWORD: agent.password
    })
    expect(secondWriter.code).not.toBe(0)
    expect(secondWriter.stderr).toMatch(/Another Gatehouse process .*is already running/)

    // The Owner finds the screen under Settings → Access Control; access starts off.
    await signInOwner(page, app())
    const shell = new AppShell(page)
    await shell.openSettings('Support Team Access')
    const access = new SupportAccessPage(page)
    await access.expectVisible()
    await expect(page).toHaveURL(/#\/settings\/access-control\/support-access$/)
    await expect(access.status).toHaveText('Off')
    await expect(access.toggle).toHaveAttribute('aria-checked', 'false')
    await expect(access.agents.getByRole('listitem')).toHaveCount(1)
    await expect(access.agents).toContainText(agent.email)
    await expect(access.logGrid.getByText('Support access has not been changed yet')).toBeVisible()
    await screenshot(page, 'support-access-off')

    // The agent is refused while access is off, with the core's reason.
    const agentWindow = await openWindow(browser, app())
    const agentPage = agentWindow.page
    const supportSignIn = new SupportSignInPage(agentPage)
    await supportSignIn.link.click()
    await expect(supportSignIn.form).toBeVisible()
    await screenshot(agentPage, 'support-sign-in-form')
    await supportSignIn.signIn(owner.account, agent.email, agent.password)
    await expect(supportSignIn.alert).toContainText(`Support access to ${owner.account} is off`)
    await screenshot(agentPage, 'support-sign-in-refused-off')

    // Extend: one day, read-only, with a ticket reference. Escape cancels the dialog untouched.
    await access.toggle.click()
    await expect(access.dialog).toBeVisible()
    await page.keyboard.press('Escape')
    await expect(access.dialog).toBeHidden()
    await expect(access.status).toHaveText('Off')
    await access.toggle.click()
    await access.chooseGrant('One day', 'Read-only', 'Ticket #4821: SSO login loop')
    await screenshot(page, 'support-access-extend-dialog')
    await access.saveGrant()
    // The end in the console's one date-time format, with the zone: "(1 Dec 2026, 14:05 CET)".
    await expect(access.status).toHaveText(/^On — read-only — ends in (1 day|23 hours 59 minutes) \(\d{1,2} \w{3} \d{4}, \d{2}:\d{2} \S+\)$/)
    await expect(access.toggle).toHaveAttribute('aria-checked', 'true')
    await expect(page.getByText('Reason: Ticket #4821: SSO login loop')).toBeVisible()
    await screenshot(page, 'support-access-on-read-only')
    // The countdown follows the clock minute by minute without asking the core for new text.
    const endText = /\((\d{1,2} \w{3} \d{4}, \d{2}:\d{2} \S+)\)$/.exec((await access.status.textContent()) ?? '')?.[1]
    await page.clock.fastForward('02:00:00')
    await expect(access.status).toHaveText(`On — read-only — ends in 21 hours 59 minutes (${endText})`)

    // The agent signs in with read-only scope and browses users; a write is refused by the core.
    await supportSignIn.password.fill(agent.password)
    await supportSignIn.password.press('Enter')
    const agentShell = new AppShell(agentPage)
    await agentShell.expectVisible()
    const banner = agentPage.getByTestId('support-session-banner')
    // When access ends joins the banner once the session carries it (sessionInfo.supportAccessEndsAt).
    await expect(banner).toHaveText(new RegExp(`^Support session — Read-only — ${owner.account}( — access ends \\d{1,2} \\w{3} \\d{4}, \\d{2}:\\d{2} \\S+)?$`))
    await expect(agentShell.personRole).toHaveText('Support agent')
    // Not in the agent's Settings hub either.
    await agentShell.openSettingsHub()
    await expect(agentShell.settingsLink('Support Team Access')).toHaveCount(0)
    await agentShell.navLink('Users').click()
    await expect(agentPage.getByRole('grid', { name: /users/i })).toBeVisible()
    await expect(agentPage.getByRole('grid', { name: /users/i }).locator('.dt-body-row').first()).toBeVisible()
    await screenshot(agentPage, 'support-agent-read-only-users')
    const refused = await forceCall(agentPage, 'teams:create', { name: 'Escalations' })
    expect(refused.ok).toBe(false)
    expect(refused.error?.code).toBe('FORBIDDEN')

    // The Owner's screen counts the live session.
    await expect(access.agents.getByText('Signed in now')).toBeVisible()

    // Change to full scope: the agent's window follows at once, and its next write succeeds.
    await access.changeButton.click()
    await expect(access.dialog.getByRole('heading', { name: 'Change support access' })).toBeVisible()
    await expect(access.dialog.getByLabel('One day')).toBeChecked()
    await access.chooseGrant('One day', 'Full')
    await screenshot(page, 'support-access-change-dialog')
    await access.saveGrant()
    await expect(access.status).toHaveText(/^On — full — ends in /)
    await expect(banner).toHaveText(new RegExp(`^Support session — Full — ${owner.account}( — access ends \\d{1,2} \\w{3} \\d{4}, \\d{2}:\\d{2} \\S+)?$`))
    const created = await forceCall(agentPage, 'teams:create', { name: 'Escalations' })
    expect(created.error).toBeUndefined()
    expect(created.ok).toBe(true)
    await screenshot(agentPage, 'support-agent-full')
    await agentShell.setTheme('Dark')
    await screenshot(agentPage, 'support-agent-full-dark')

    // …audited as support, with the agent's name.
    await shell.goTo('Audit log')
    const audit = new AuditPage(page)
    await audit.expectVisible()
    const teamEvent = audit.rowWithAction('team.created')
    await expect(teamEvent).toHaveCount(1)
    await expect(teamEvent).toContainText(agent.name)
    await expect(teamEvent).toContainText('Support')
    await screenshot(page, 'support-access-audited-as-support')

    // Turning off asks first and says how many sessions end; the agent's window returns to sign-in by itself.
    await shell.openSettings('Support Team Access')
    await access.expectVisible()
    await access.toggle.click()
    await expect(access.dialog).toContainText('Every live support session ends at once — 1 live now.')
    await screenshot(page, 'support-access-disable-confirm')
    await access.dialog.getByRole('button', { name: 'Turn off' }).click()
    await expect(access.dialog).toBeHidden()
    await expect(access.status).toHaveText('Off')
    await expect(supportSignIn.form).toBeVisible()
    await expect(supportSignIn.form.getByRole('alert')).toHaveText(TURNED_OFF)
    await screenshot(agentPage, 'support-agent-returned-to-sign-in-dark')

    // New sign-ins are refused again.
    await supportSignIn.signIn(owner.account, agent.email, agent.password)
    await expect(supportSignIn.alert).toContainText(`Support access to ${owner.account} is off`)

    // The log shows Disable (1 session ended), Change and Extend, newest first.
    await expect(access.logRows()).toHaveCount(3)
    const log = await access.cells(access.logRows())
    expect(log.map((row) => row[1])).toEqual(['Disable', 'Change', 'Extend'])
    // Owner name over Owner email in one cell.
    expect(log.map((row) => row[2])).toEqual(Array(3).fill(`${owner.name}${owner.email}`))
    expect(log.map((row) => row[4])).toEqual(['Full', 'Full', 'Read-only'])
    expect(log[2]?.[3]).toBe('One day')
    expect(log[2]?.[6]).toBe('Ticket #4821: SSO login loop')
    expect(log.map((row) => row[7])).toEqual(['1', '0', '0'])
    await screenshot(page, 'support-access-log')
    const logCsv = await download(page, () => page.getByRole('button', { name: 'Export CSV' }).click())
    expect(logCsv.name).toMatch(/\.csv$/)
    expect(logCsv.text.split(/\r?\n/).filter(Boolean)).toHaveLength(4)
    expect(logCsv.text).toContain('Ticket #4821: SSO login loop')

    // The login history: one session, ended when access was turned off.
    await access.tab('Support login history').click()
    await expect(access.tab('Support login history')).toHaveAttribute('aria-selected', 'true')
    await expect(access.loginRows()).toHaveCount(1)
    const [login] = await access.cells(access.loginRows())
    expect(login?.[0]).toBe(`${agent.name}${agent.email}`)
    expect(login?.[4]).toBe('Access turned off')
    expect(login?.[2]).not.toBe('—')
    expect(login?.[5]).toMatch(/^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/)
    await page.getByLabel('Agent', { exact: true }).selectOption({ label: `${agent.name} (${agent.email})` })
    await page.getByLabel('Period', { exact: true }).selectOption({ label: 'Last 24 hours' })
    await expect(access.loginRows()).toHaveCount(1)
    await screenshot(page, 'support-access-login-history')
    const loginsCsv = await download(page, () => page.getByRole('button', { name: 'Export CSV' }).click())
    expect(loginsCsv.text).toContain(agent.email)
    expect(loginsCsv.text).toContain('Access turned off')

    // Dark theme, both sides.
    await shell.setTheme('Dark')
    await access.tab('Log').click()
    await screenshot(page, 'support-access-dark')
    await shell.setTheme('Light')

    expect(agentWindow.problems).toEqual([])
    await agentWindow.close()

    // An Admin: no trace of the screen in the navigation or by route, and the core refuses a forced call.
    const invited = await forceCall(page, 'users:invite', { emails: [admin.email], role: 'admin' })
    expect(invited.ok).toBe(true)
    const link = (invited.value as { invited: Array<{ link: string | null }> }).invited[0]?.link
    expect(link).toBeTruthy()
    const adminWindow = await openWindow(browser, app())
    const adminPage = adminWindow.page
    await new SignInPage(adminPage).expectVisible()
    const accepted = await forceCall(adminPage, 'invitations:accept', { token: link, name: admin.name, password: admin.password })
    expect(accepted.ok).toBe(true)
    await adminPage.reload()
    await new SignInPage(adminPage).signIn(admin.email, admin.password)
    const adminShell = new AppShell(adminPage)
    await adminShell.expectVisible()
    await expect(adminShell.personRole).toHaveText('Admin')
    await expect(adminShell.navLink('Users')).toBeVisible()
    // An Admin's Settings hub has no Support Team Access, and its address leads elsewhere.
    await adminShell.openSettingsHub()
    await expect(adminShell.settingsLink('Email delivery')).toBeVisible()
    await expect(adminShell.settingsLink('Support Team Access')).toHaveCount(0)
    await adminPage.goto(`${new URL(app().url).origin}/${SUPPORT_ACCESS_PATH}`)
    await adminShell.expectVisible()
    await expect(adminPage).not.toHaveURL(/support-access/)
    await expect(adminPage.getByRole('heading', { name: 'Support Team Access' })).toHaveCount(0)
    await expect(adminPage.getByText('Support Team Access')).toHaveCount(0)
    for (const [channel, input] of [
      ['support-access:status', {}],
      ['support-access:extend', { duration: 'day', scope: 'full' }],
      ['support-access:logins', { limit: 10 }]
    ] as const) {
      const forced = await forceCall(adminPage, channel, input)
      expect(forced.ok, channel).toBe(false)
      expect(forced.error?.code, channel).toBe('FORBIDDEN')
    }
    await screenshot(adminPage, 'support-access-admin-no-trace')
    expect(adminWindow.problems).toEqual([])
    await adminWindow.close()
  })
})

test.describe('trial account', () => {
  const trialOwner = { ...owner, account: 'Contoso Trial', email: 'owner@contoso.example' }
  const app = useApp({ init: { ...trialOwner, plan: 'trial' } })

  test('a trial has no toggle; converting to paid asks first, then turns support access off and logs it', async ({ page }) => {
    await tapSocket(page)
    await app().open(page)
    await new SignInPage(page).signIn(trialOwner.email, trialOwner.password)
    const shell = new AppShell(page)
    await shell.expectVisible()
    await shell.openSettings('Support Team Access')
    const access = new SupportAccessPage(page)
    await access.expectVisible()
    await expect(access.status).toHaveText(/^On — full — /)
    await expect(access.trialExplanation).toContainText('Trial accounts always allow support access')
    await expect(access.toggle).toHaveCount(0)
    await screenshot(page, 'support-access-trial')

    await shell.openSettings('Account and plan')
    await expect(page.getByTestId('account-plan')).toContainText('Trial')
    await page.getByRole('button', { name: 'Convert to paid' }).click()
    const dialog = page.getByRole('dialog')
    await expect(dialog).toContainText('every live support session ends at once')
    await screenshot(page, 'account-convert-confirm')
    await dialog.getByRole('button', { name: 'Convert to paid' }).click()
    await expect(dialog).toBeHidden()
    await expect(page.getByTestId('account-plan')).toContainText('Paid')
    await expect(page.getByText('Paid plan', { exact: true })).toBeVisible()
    await screenshot(page, 'account-converted')

    await shell.openSettings('Support Team Access')
    await expect(access.status).toHaveText('Off')
    await expect(access.toggle).toHaveAttribute('aria-checked', 'false')
    await expect(access.logRows()).toHaveCount(1)
    const [row] = await access.cells(access.logRows())
    expect(row?.[1]).toBe('Trial converted')
    await screenshot(page, 'support-access-after-conversion')
  })
})

async function download(page: Page, trigger: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), trigger()])
  const path = await file.path()
  return { name: file.suggestedFilename(), text: await readFile(path, 'utf8') }
}
