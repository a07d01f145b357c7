import { expect, type Locator, type Page } from '@playwright/test'

export class AppShell {
  readonly nav: Locator
  readonly accountName: Locator
  readonly personName: Locator
  readonly personRole: Locator
  readonly signOutButton: Locator
  readonly connectionBanner: Locator

  constructor(private readonly page: Page) {
    this.nav = page.getByRole('navigation', { name: 'Main' })
    this.accountName = page.getByTestId('account-name')
    this.personName = page.getByTestId('person-name')
    this.personRole = page.getByTestId('person-role')
    this.signOutButton = this.nav.getByRole('button', { name: 'Sign out' })
    this.connectionBanner = page.getByRole('alert').filter({ hasText: 'Connection to Gatehouse lost' })
  }

  async expectVisible(): Promise<void> {
    await expect(this.nav).toBeVisible()
  }

  navLink(name: string): Locator {
    return this.nav.getByRole('link', { name })
  }

  /** The Settings hub (sidebar → Settings). */
  async openSettingsHub(): Promise<void> {
    await this.navLink('Settings').click()
    await expect(this.page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible()
  }

  /** A page's link on the Settings hub (its name starts with the page's label; its description follows). */
  settingsLink(label: string): Locator {
    return this.page.getByRole('main').getByRole('link', { name: new RegExp(`^${label}`) })
  }

  /** A settings page, through the hub, as a person would reach it. */
  async openSettings(label: 'Account and plan' | 'Email delivery' | 'Store and keys' | 'Single sign-on' | 'Support Team Access' | 'Personal settings'): Promise<void> {
    await this.openSettingsHub()
    await this.settingsLink(label).click()
    await expect(this.page.getByRole('navigation', { name: 'Breadcrumb' })).toContainText(label)
  }

  async goTo(name: 'Users' | 'Audit log'): Promise<void> {
    await this.navLink(name).click()
  }

  async signOut(): Promise<void> {
    await this.signOutButton.click()
  }

  async setTheme(theme: 'Light' | 'Dark' | 'System'): Promise<void> {
    await this.nav.getByRole('group', { name: 'Theme' }).getByText(theme, { exact: true }).click()
  }

  async theme(): Promise<string | null> {
    return this.page.locator('html').getAttribute('data-theme')
  }
}
