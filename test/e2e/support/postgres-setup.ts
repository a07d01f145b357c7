import { startPostgres } from '../../support/postgres'

/**
 * Playwright globalSetup: one PostgreSQL 15 server on 127.0.0.1 for the `postgres` project; each
 * App makes its own database on it. Its URL reaches the workers through GATEHOUSE_E2E_POSTGRES.
 */
// Playwright loads a globalSetup module by its default export.
// eslint-disable-next-line no-restricted-syntax
export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.GATEHOUSE_E2E_POSTGRES) return async () => {}
  const server = await startPostgres()
  process.env.GATEHOUSE_E2E_POSTGRES = server.url
  return () => server.stop()
}
