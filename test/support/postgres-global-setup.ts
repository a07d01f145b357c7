import type { TestProject } from 'vitest/node'
import { postgresAvailable, startPostgres } from './postgres'

declare module 'vitest' {
  export interface ProvidedContext {
    /**
     * A PostgreSQL 15 server for the whole run (`postgres://gatehouse@127.0.0.1:PORT/postgres`,
     * superuser, trust authentication), or '' when none is installed. Tests make their own database
     * on it with `createTestDatabase(inject('postgresUrl'))`.
     */
    postgresUrl: string
  }
}

/**
 * Vitest globalSetup (named `setup`; its returned function is the teardown): one PostgreSQL server for every test file of the run. With
 * GATEHOUSE_TEST_POSTGRES=postgres://… that server is used instead (it must allow CREATE DATABASE).
 */
export async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const external = process.env.GATEHOUSE_TEST_POSTGRES
  if (external) {
    project.provide('postgresUrl', external)
    return undefined
  }
  if (!postgresAvailable()) {
    console.warn('PostgreSQL 15 is not installed (/usr/lib/postgresql/15/bin): PostgreSQL tests are skipped')
    project.provide('postgresUrl', '')
    return undefined
  }
  const server = await startPostgres()
  project.provide('postgresUrl', server.url)
  return () => server.stop()
}
