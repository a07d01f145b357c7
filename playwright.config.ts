import { defineConfig } from '@playwright/test'

// Debian's Chromium, never a downloaded one (`npx playwright install` is not used here).
const CHROMIUM = process.env.GATEHOUSE_CHROMIUM ?? '/usr/bin/chromium'

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/e2e',
  // Each spec file starts its own `gatehouse serve`; one at a time keeps a 2-core machine honest.
  workers: 1,
  fullyParallel: false,
  reporter: [['list']],
  // A PostgreSQL server for the postgres project (the same flows on the shared-directory store).
  globalSetup: './test/e2e/support/postgres-setup.ts',
  projects: [
    { name: 'sqlite' },
    // The console's main flows again, on PostgreSQL: first run, users and teams, support access, live pushes, single sign-on.
    { name: 'postgres', testMatch: ['first-run.spec.ts', 'users.spec.ts', 'users-teams.spec.ts', 'support-access.spec.ts', 'live-updates.spec.ts', 'sso.spec.ts'] }
  ],
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
    }
  }
})
