import { expect, type Browser, type Page } from '@playwright/test'
import { DEFAULT_OWNER, screenshot, test, useApp, type App } from './support/app'
import { AppShell } from './support/app-shell'
import { forceCall, tapSocket } from './support/force-call'
import { SignInPage } from './support/sign-in-page'
import { startOidcProvider, type TestOidcProvider } from '../support/oidc-provider'
import { serveSamlIdp } from '../support/saml-idp'
import selfsigned from 'selfsigned'

// The local providers serve https with the test certificate: `gatehouse serve` trusts it through
// NODE_EXTRA_CA_CERTS (support/app.ts); the browser is told to accept it.
test.use({ ignoreHTTPSErrors: true })

const owner = { ...DEFAULT_OWNER, account: 'Northwind SSO' }
const admin = { name: 'Grace Admin', email: 'grace.admin@northwind.example', password: 'orchid-tunnel-basalt-38' }
const member = { name: 'Mia Member', email: 'mia.member@northwind.example' }
const app = useApp({ init: owner })

let idp: TestOidcProvider
test.beforeAll(async () => {
  idp = await startOidcProvider({ grace: { email: admin.email, name: admin.name, roles: ['Admin'] }, mia: { email: member.email, name: member.name } })
})
test.afterAll(async () => {
  await idp?.close()
})

async function openWindow(browser: Browser, target: App): Promise<{ page: Page; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ignoreHTTPSErrors: true })
  const page = await context.newPage()
  await tapSocket(page)
  await target.open(page)
  return { page, close: () => context.close() }
}

/** The Owner signed in on `page` (its socket tapped for forceCall): the shell, shown. */
async function signInOwner(page: Page): Promise<AppShell> {
  await tapSocket(page)
  await app().open(page)
  await new SignInPage(page).signIn(owner.email, owner.password)
  const shell = new AppShell(page)
  await shell.expectVisible()
  return shell
}

/** The person signs in at the provider in the tab Gatehouse opened: its development login, then consent. */
async function signInAtProvider(popup: Page, login: string): Promise<void> {
  await popup.waitForLoadState()
  await popup.locator('input[name="login"]').fill(login)
  await popup.locator('input[name="password"]').fill('any password')
  await popup.getByRole('button', { name: 'Sign-in' }).click()
  await popup.getByRole('button', { name: 'Continue' }).click()
}

test('an Admin connects OpenID Connect, tests it, turns it on, and a member signs in with SSO', async ({ page, browser }) => {
  // The Owner invites an Admin and a member (the member's invitation is accepted by their first SSO sign-in).
  await signInOwner(page)
  const invited = await forceCall(page, 'users:invite', { emails: [admin.email], role: 'admin' })
  const link = (invited.value as { invited: Array<{ link: string | null }> }).invited[0]!.link!
  expect((await forceCall(page, 'users:invite', { emails: [member.email], role: 'agent' })).ok).toBe(true)

  const adminWindow = await openWindow(browser, app())
  const adminPage = adminWindow.page
  expect((await forceCall(adminPage, 'invitations:accept', { token: link, name: admin.name, password: admin.password })).ok).toBe(true)
  await adminPage.reload()
  await new SignInPage(adminPage).signIn(admin.email, admin.password)
  const shell = new AppShell(adminPage)
  await shell.expectVisible()
  await shell.openSettings('Single sign-on')
  await expect(adminPage.getByTestId('sso-status')).toContainText('No identity provider is connected yet.')
  await expect(adminPage.getByTestId('sso-redirect-uri')).toHaveText('http://127.0.0.1/sso/callback')
  // Through the web host, the provider sends the tab back to the host's own callback route.
  const origin = new URL(app().url).origin
  await expect(adminPage.getByTestId('sso-web-redirect-uri')).toHaveText(`${origin}/sso/callback`)
  await screenshot(adminPage, 'sso-empty')

  // Configure: a wrong issuer is refused beside its field, then the right one is checked and saved.
  const form = adminPage.getByRole('form', { name: 'Connect an identity provider' })
  await form.getByLabel('Issuer URL').fill('https://login.microsoftonline.com/common/v2.0')
  await form.getByLabel('Identity provider').selectOption({ label: 'Microsoft Entra ID' })
  await form.getByLabel('Client ID').fill(idp.clientId)
  await form.getByLabel('Allowed email domains').fill('northwind.example')
  await form.getByLabel('Role claim (optional)').fill('roles')
  await form.getByRole('button', { name: 'Save and check' }).click()
  await expect(form.getByText(/multi-tenant endpoint/).first()).toBeVisible()
  await screenshot(adminPage, 'sso-issuer-refused')
  await form.getByLabel('Identity provider').selectOption({ label: 'Other OpenID Connect provider' })
  await form.getByLabel('Issuer URL').fill(idp.issuer)
  await form.getByRole('button', { name: 'Save and check' }).click()
  await expect(adminPage.getByText('Saved and checked. Run a test sign-in next.')).toBeVisible()
  await expect(adminPage.getByTestId('sso-status')).toContainText('Being prepared')

  // Test sign-in: the real flow in a new tab; the result shows the claims and the person they map to.
  const popupOpened = adminPage.waitForEvent('popup')
  await adminPage.getByRole('button', { name: 'Run a test sign-in' }).click()
  const popup = await popupOpened
  await signInAtProvider(popup, 'grace')
  await expect(popup.getByText('Sign-in received')).toBeVisible()
  expect(popup.url().startsWith(`${origin}/sso/callback?`)).toBe(true)
  await popup.close()
  const report = adminPage.getByTestId('sso-report')
  await expect(report).toContainText('The test sign-in passed.')
  await expect(adminPage.getByTestId('sso-person')).toContainText(`Signs in as ${admin.name} (${admin.email}), Admin.`)
  await expect(adminPage.getByTestId('sso-mapped-role')).toHaveText('Admin')
  await report.getByText('Claims received (raw)').click()
  await expect(adminPage.getByTestId('sso-claims')).toContainText(`"email": "${admin.email}"`)
  await screenshot(adminPage, 'sso-test-passed')

  // Turn it on (pre-provisioned, offered beside passwords).
  await adminPage.getByRole('button', { name: 'Turn on', exact: true }).click()
  await expect(adminPage.getByTestId('sso-status')).toContainText(/Single sign-on is offered beside passwords, with pre-provisioned members only/)
  await shell.setTheme('Dark')
  await screenshot(adminPage, 'sso-on-dark')
  await shell.setTheme('Light')
  await adminWindow.close()

  // The member signs in with SSO from the sign-in screen.
  const memberWindow = await openWindow(browser, app())
  const memberPage = memberWindow.page
  await memberPage.getByRole('button', { name: 'Sign in with SSO' }).click()
  const ssoForm = memberPage.getByRole('form', { name: 'Sign in with SSO' })
  await ssoForm.getByLabel('Email').fill(member.email)
  const memberPopupOpened = memberPage.waitForEvent('popup')
  await ssoForm.getByRole('button', { name: 'Continue' }).click()
  const memberPopup = await memberPopupOpened
  await signInAtProvider(memberPopup, 'mia')
  await expect(memberPopup.getByText(`You are signed in to Gatehouse as ${member.name}.`)).toBeVisible()
  const memberShell = new AppShell(memberPage)
  await memberShell.expectVisible()
  await expect(memberShell.personName).toHaveText(member.name)
  await screenshot(memberPage, 'sso-member-signed-in')
  await memberWindow.close()

  // The Owner's audit log tells it all.
  await page.reload()
  await new SignInPage(page).signIn(owner.email, owner.password)
  await new AppShell(page).goTo('Audit log')
  await expect(page.getByText(`${member.name} signed in with single sign-on (Other OpenID Connect provider).`).first()).toBeVisible()
  await expect(page.getByText(/turned on single sign-on with Other OpenID Connect provider/).first()).toBeVisible()
})

test('a Viewer sees the status read-only; an Agent has no SSO screen and the core refuses the call', async ({ page, browser }) => {
  await signInOwner(page)
  const people = { viewer: { email: 'vera.viewer@northwind.example', name: 'Vera Viewer' }, agent: { email: 'arno.agent@northwind.example', name: 'Arno Agent' } }
  for (const role of ['viewer', 'agent'] as const) {
    const invited = await forceCall(page, 'users:invite', { emails: [people[role].email], role })
    const token = (invited.value as { invited: Array<{ link: string | null }> }).invited[0]!.link!
    const window = await openWindow(browser, app())
    expect((await forceCall(window.page, 'invitations:accept', { token, name: people[role].name, password: admin.password })).ok).toBe(true)
    await window.page.reload()
    await new SignInPage(window.page).signIn(people[role].email, admin.password)
    const shell = new AppShell(window.page)
    await shell.expectVisible()
    if (role === 'viewer') {
      await shell.openSettings('Single sign-on')
      await expect(window.page.getByTestId('sso-status')).toBeVisible()
      await expect(window.page.getByRole('form', { name: 'Connect an identity provider' })).toHaveCount(0)
      await expect(window.page.getByRole('button', { name: 'Run a test sign-in' })).toHaveCount(0)
      await screenshot(window.page, 'sso-viewer')
    } else {
      await expect(shell.navLink('Settings')).toBeVisible()
      await shell.openSettingsHub()
      await expect(shell.settingsLink('Single sign-on')).toHaveCount(0)
      const refused = await forceCall(window.page, 'sso:status', {})
      expect(refused.error?.code).toBe('FORBIDDEN')
    }
    expect((await forceCall(window.page, 'sso:save-oidc', { preset: 'oidc', issuer: idp.issuer, clientId: 'x', allowedDomains: ['northwind.example'] })).error?.code).toBe('FORBIDDEN')
    await window.close()
  }
})

test('an Admin connects a custom SAML 2.0 IdP from its metadata, tests it, turns it on, and a member signs in with SAML', async ({ page, browser }) => {
  const samlIdp = await serveSamlIdp()
  try {
    const shell = await signInOwner(page)
    const saml = { name: 'Sam Saml', email: 'sam.saml@northwind.example' }
    expect((await forceCall(page, 'users:invite', { emails: [saml.email], role: 'viewer' })).ok).toBe(true)
    await shell.openSettings('Single sign-on')
    await page.getByRole('radio', { name: 'Custom SAML 2.0' }).check()
    await expect(page.getByText(/urn:gatehouse:account:/).first()).toBeVisible()
    const form = page.getByRole('form', { name: 'Connect a SAML 2.0 identity provider' })
    // Hostile metadata first: refused unread, beside the field.
    await form.getByLabel('IdP metadata (XML)').fill(`<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${samlIdp.metadataXml}`)
    await form.getByLabel('Allowed email domains').fill('northwind.example')
    await form.getByRole('button', { name: 'Save and check' }).click()
    await expect(form.getByText(/declares a DOCTYPE or an entity/).first()).toBeVisible()
    await form.getByLabel('IdP metadata (XML)').fill(samlIdp.metadataXml)
    await form.getByRole('button', { name: 'Save and check' }).click()
    await expect(page.getByText('Saved and checked. Run a test sign-in next.')).toBeVisible()
    await expect(page.getByTestId('sso-status')).toContainText('SHA-256')
    await screenshot(page, 'sso-saml-configured')

    const popupOpened = page.waitForEvent('popup')
    await page.getByRole('button', { name: 'Run a test sign-in' }).click()
    const popup = await popupOpened
    await popup.getByLabel('Email').fill(owner.email)
    await popup.getByRole('button', { name: 'Sign in at the IdP' }).click()
    await popup.getByRole('button', { name: 'Continue to the service' }).click()
    await expect(popup.getByText('Sign-in received')).toBeVisible()
    // The IdP posted to the web host's own ACS route (no loopback port of the core).
    expect(popup.url()).toBe(`${new URL(app().url).origin}/sso/saml/acs`)
    await popup.close()
    await expect(page.getByTestId('sso-report')).toContainText('The test sign-in passed.')
    await expect(page.getByTestId('sso-person')).toContainText(`Signs in as ${owner.name}`)
    await screenshot(page, 'sso-saml-test-passed')
    await page.getByRole('button', { name: 'Turn on', exact: true }).click()
    await expect(page.getByTestId('sso-status')).toContainText('Single sign-on is offered beside passwords')

    const memberWindow = await openWindow(browser, app())
    const memberPage = memberWindow.page
    await memberPage.getByRole('button', { name: 'Sign in with SSO' }).click()
    const ssoForm = memberPage.getByRole('form', { name: 'Sign in with SSO' })
    await ssoForm.getByLabel('Email').fill(saml.email)
    const memberPopupOpened = memberPage.waitForEvent('popup')
    await ssoForm.getByRole('button', { name: 'Continue' }).click()
    const memberPopup = await memberPopupOpened
    await memberPopup.getByLabel('Email').fill(saml.email)
    await memberPopup.getByRole('button', { name: 'Sign in at the IdP' }).click()
    await memberPopup.getByRole('button', { name: 'Continue to the service' }).click()
    await expect(memberPopup.getByText(/You are signed in to Gatehouse as/)).toBeVisible()
    const memberShell = new AppShell(memberPage)
    await memberShell.expectVisible()
    await expect(memberShell.personRole).toHaveText('Viewer')
    await memberWindow.close()
  } finally {
    await samlIdp.close()
  }
})

test('a trusted certificate near its expiry marks Settings and the Single sign-on entry; the screen says why, at 1024 px', async ({ page }) => {
  const expiring = await selfsigned.generate([{ name: 'commonName', value: 'Northwind IdP signing key with a rather long name for the layout (2026 rollover)' }], {
    keySize: 2048,
    notBeforeDate: new Date(Date.now() - 86_400_000),
    notAfterDate: new Date(Date.now() + 20 * 86_400_000)
  } as never)
  await page.setViewportSize({ width: 1024, height: 800 })
  const shell = await signInOwner(page)
  const saved = await forceCall(page, 'sso:save-saml', {
    manual: { entityId: 'https://idp.northwind.example/saml', ssoUrl: 'https://idp.northwind.example/saml/sso', certificates: [expiring.cert] },
    allowedDomains: ['northwind.example']
  })
  expect(saved.ok).toBe(true)
  // The mark is on the Settings link, named in words for a screen reader.
  await expect(shell.navLink('Settings').getByTestId('sso-attention')).toBeVisible()
  await expect(shell.navLink('Settings')).toContainText('Single sign-on needs attention')
  await shell.openSettingsHub()
  await expect(shell.settingsLink('Single sign-on').getByTestId('sso-attention')).toBeVisible()
  await screenshot(page, 'sso-attention-hub-1024')
  await shell.settingsLink('Single sign-on').click()
  await expect(page.getByTestId('sso-status')).toContainText(/expires in (19|20) days: trust the IdP's next certificate before then/)
  await screenshot(page, 'sso-attention-screen-1024')
})

test('SAML metadata from a URL: saved from it, fetched again on demand, the change shown', async ({ page }) => {
  const samlIdp = await serveSamlIdp()
  try {
    const shell = await signInOwner(page)
    await shell.openSettings('Single sign-on')
    await page.getByRole('radio', { name: 'Custom SAML 2.0' }).check()
    const form = page.getByRole('form', { name: 'Connect a SAML 2.0 identity provider' })
    await form.getByRole('radio', { name: 'A URL (fetched again every hour)' }).check()
    await form.getByLabel('Metadata URL').fill(`${samlIdp.metadataUrl.replace('https:', 'http:')}`)
    await form.getByLabel('Allowed email domains').fill('northwind.example')
    await form.getByRole('button', { name: 'Save and check' }).click()
    await expect(form.getByText(/must be an https:\/\/ address/).first()).toBeVisible()
    await form.getByLabel('Metadata URL').fill(samlIdp.metadataUrl)
    await form.getByRole('button', { name: 'Save and check' }).click()
    await expect(page.getByText('Saved and checked. Run a test sign-in next.')).toBeVisible()
    await expect(page.getByTestId('sso-status')).toContainText(samlIdp.metadataUrl)
    await page.getByRole('button', { name: 'Fetch metadata now' }).click()
    await expect(page.getByTestId('sso-metadata-answer')).toContainText('Fetched: nothing changed.')
    await screenshot(page, 'sso-saml-metadata-url')
  } finally {
    await samlIdp.close()
  }
})
