import { expect, type Page } from '@playwright/test'
import { DEFAULT_OWNER, screenshot, test, useApp } from './support/app'
import { SignInPage } from './support/sign-in-page'
import { AppShell } from './support/app-shell'

const owner = { ...DEFAULT_OWNER, account: 'Contoso Sprachen' }
// More than a thousand people, so the counts show their grouping ("1.201 Benutzer").
const app = useApp({ init: { ...owner, seats: 2000 }, demo: { users: 1200, events: 200 } })

/** A date-time in the German shape of the console's one format: "1. Dez. 2026, 14:05". */
const GERMAN_DATE = /\b\d{1,2}\. (Jan\.|Feb\.|März|Apr\.|Mai|Juni|Juli|Aug\.|Sep\.|Okt\.|Nov\.|Dez\.) \d{4}, \d{2}:\d{2}\b/

async function chooseLanguage(page: Page, label: 'Language' | 'Sprache', language: 'English' | 'Deutsch'): Promise<void> {
  await page.getByRole('combobox', { name: label }).selectOption({ label: language })
}

/** The sidebar's theme switch, in German. */
async function setTheme(page: Page, theme: 'Hell' | 'Dunkel'): Promise<void> {
  await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('group', { name: 'Design' }).getByText(theme, { exact: true }).click()
}

/** Screenshot and axe of the screen as it is, in the light theme and then in the dark one. */
async function screenshotBothThemes(page: Page, name: string): Promise<void> {
  await screenshot(page, `${name}-light`)
  await setTheme(page, 'Dunkel')
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
  await screenshot(page, `${name}-dark`)
  await setTheme(page, 'Hell')
}

interface Box {
  offsetWidth: number
  scrollWidth: number
  clientWidth: number
  tagName: string
  className: string
  textContent: string | null
  closest(selector: string): unknown
}

/** Nothing cut off: no button, label, heading or column header is wider than the box that holds it. */
async function overflowing(page: Page): Promise<string[]> {
  return page.locator('button, label, h1, h2, [role="columnheader"], .chip, .nav-link, .field-label, legend').evaluateAll((elements) =>
    (elements as unknown as Box[])
      // Ellipsized cells show the whole text on hover; buttons, labels and headings must not need to.
      .filter((el) => !el.closest('.truncate, .visually-hidden') && el.offsetWidth > 0 && el.scrollWidth > el.clientWidth + 1)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent?.trim().slice(0, 40)}`)
  )
}

test('Deutsch in Personal settings: every screen in German at once, numbers and dates too, and back to English', async ({ page }) => {
  test.setTimeout(120_000)
  await app().open(page)
  // Chromium here speaks English, and this device has chosen nothing: English before sign-in.
  await expect(page.locator('html')).toHaveAttribute('lang', 'en')
  const signIn = new SignInPage(page)
  await signIn.signIn(owner.email, owner.password)
  const shell = new AppShell(page)
  await shell.expectVisible()
  await shell.openSettings('Personal settings')
  await chooseLanguage(page, 'Language', 'Deutsch')

  // At once, no reload: this page, the sidebar and <html lang>.
  await expect(page.locator('html')).toHaveAttribute('lang', 'de')
  await expect(page.getByRole('heading', { name: 'Persönliche Einstellungen', level: 1 })).toBeVisible()
  await expect(page.getByRole('heading', { name: 'Sprache', level: 2 })).toBeVisible()
  await expect(page.getByRole('combobox', { name: 'Sprache' })).toHaveValue('de')
  const nav = page.getByRole('navigation', { name: 'Hauptnavigation' })
  await expect(nav.getByRole('link', { name: 'Benutzer' })).toBeVisible()
  await expect(nav.getByRole('button', { name: 'Abmelden' })).toBeVisible()
  await expect(page.getByRole('form', { name: 'Passwort ändern' })).toBeVisible()
  expect(await overflowing(page)).toEqual([])
  await screenshotBothThemes(page, 'personal-settings-de')

  // The users screen: headings, filters, column headers, a grouped count, German dates.
  await nav.getByRole('link', { name: 'Benutzer' }).click()
  await expect(page.getByRole('heading', { name: 'Benutzer', level: 1 })).toBeVisible()
  await expect(page.locator('.screen-count')).toHaveText(/^\d\.\d{3} Benutzer$/)
  await expect(page.getByTestId('seat-use')).toHaveText(/^\d\.\d{3} von 2\.000 Lizenzen$/)
  const grid = page.getByRole('grid', { name: 'Benutzer' })
  await expect(grid.getByRole('columnheader', { name: 'Letzte Anmeldung' })).toBeVisible()
  await expect(page.getByRole('group', { name: 'Nach Status filtern' }).getByRole('button', { name: /^Aktiv/ })).toBeVisible()
  await expect(page.getByRole('searchbox', { name: 'Benutzer nach Name oder E-Mail-Adresse suchen' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Benutzer einladen' })).toBeVisible()
  await expect(page.locator('.screen-footer')).toContainText(/Zeilen 1–\d+ von \d\.\d{3}/)
  // A person's panel: a German date and the German words around it.
  await grid.locator('.dt-body').getByRole('row').nth(1).click()
  const panel = page.getByRole('complementary', { name: /^Details zu / })
  await expect(panel).toBeVisible()
  await expect(panel.getByText(/^Letzte Anmeldung: /)).toHaveText(new RegExp(`Letzte Anmeldung: (nie|${GERMAN_DATE.source})`))
  await expect(panel.getByText('Letzte Aktivitäten', { exact: true })).toBeVisible()
  expect(await overflowing(page)).toEqual([])
  await screenshotBothThemes(page, 'users-de')
  await panel.getByRole('button', { name: 'Details schließen' }).click()

  // The audit log: every time in the German format, with the zone.
  await nav.getByRole('link', { name: 'Audit-Protokoll' }).click()
  await expect(page.getByRole('heading', { name: 'Audit-Protokoll', level: 1 })).toBeVisible()
  await expect(page.getByRole('grid', { name: 'Audit-Ereignisse' }).locator('time').first()).toHaveText(new RegExp(`^${GERMAN_DATE.source} \\S+$`))

  // The Settings hub in German.
  await nav.getByRole('link', { name: 'Einstellungen' }).click()
  await expect(page.getByRole('heading', { level: 2 })).toHaveText(['Konto', 'Sicherheit', 'Zugriffskontrolle', 'Persönlich'])
  expect(await overflowing(page)).toEqual([])
  await screenshot(page, 'settings-hub-de-light')

  // Signed out, the sign-in screen keeps the language last used on this device.
  await nav.getByRole('button', { name: 'Abmelden' }).click()
  await expect(page.getByRole('form', { name: 'Anmelden', exact: true })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Einladung annehmen' })).toBeVisible()
  expect(await overflowing(page)).toEqual([])
  await screenshot(page, 'sign-in-de')

  // A device that never saw the choice (another machine): English until sign-in, then the person's German from the profile.
  await page.evaluate("localStorage.removeItem('gatehouse.language')")
  await page.reload()
  await expect(page.locator('html')).toHaveAttribute('lang', 'en')
  await signIn.signIn(owner.email, owner.password)
  await expect(nav).toBeVisible()
  await expect(page.locator('html')).toHaveAttribute('lang', 'de')

  // Back to English, at once.
  await nav.getByRole('link', { name: 'Einstellungen' }).click()
  await page.getByRole('main').getByRole('link', { name: /^Persönliche Einstellungen/ }).click()
  await chooseLanguage(page, 'Sprache', 'English')
  await expect(page.locator('html')).toHaveAttribute('lang', 'en')
  await expect(page.getByRole('heading', { name: 'Personal settings', level: 1 })).toBeVisible()
  await shell.expectVisible()
  await shell.goTo('Users')
  await expect(page.locator('.screen-count')).toHaveText(/^\d,\d{3} users$/)
})

test('a browser that speaks German gets German before anyone signs in', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'de-DE' })
  try {
    const page = await context.newPage()
    await app().open(page)
    await expect(page.locator('html')).toHaveAttribute('lang', 'de')
    await expect(page.getByRole('heading', { name: 'Bei Contoso Sprachen anmelden', level: 1 })).toBeVisible()
    await expect(page.getByRole('button', { name: 'Als Support-Mitarbeiter anmelden' })).toBeVisible()
  } finally {
    await context.close()
  }
})
