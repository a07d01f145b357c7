import { describe, expect, it } from 'vitest'
import { poolConfig, redactUrl } from '../../../../src/main/core/store/postgres-store'

/** Connections to a PostgreSQL server that is not on this machine use TLS with certificate verification. */
describe('PostgreSQL connection settings', () => {
  const refused = (url: string) => {
    try {
      poolConfig(url)
    } catch (error) {
      return (error as Error).message
    }
    throw new Error(`accepted ${url}`)
  }

  it('connects to this machine as the URL says (loopback names and Unix sockets)', () => {
    expect(poolConfig('postgres://gh@127.0.0.1:5433/gh')).toMatchObject({ host: '127.0.0.1', port: 5433, user: 'gh', database: 'gh' })
    expect(poolConfig('postgres://gh@127.0.0.1/gh').ssl).toBeUndefined()
    expect(poolConfig('postgres://gh@[::1]/gh').ssl).toBeUndefined()
    expect(poolConfig('postgres:///gh?host=/var/run/postgresql').host).toBe('/var/run/postgresql')
  })

  it('verifies the certificate and host name of a remote server, by default', () => {
    expect(poolConfig('postgres://gh:secret@db.example.com/gh').ssl).toEqual({ rejectUnauthorized: true })
    expect(poolConfig('postgres://gh@db.example.com/gh?sslmode=verify-full').ssl).toEqual({ rejectUnauthorized: true })
  })

  it('refuses settings that would skip verification for a remote server', () => {
    for (const mode of ['disable', 'allow', 'prefer', 'require', 'no-verify']) {
      expect(refused(`postgres://gh@db.example.com/gh?sslmode=${mode}`)).toMatch(`not sslmode=${mode}`)
    }
  })

  it('does not let a query parameter point a "local" URL at another server without TLS', () => {
    // host= wins over the authority (as in libpq): this is a remote server, so TLS is verified.
    expect(poolConfig('postgres://gh@localhost/gh?host=db.example.com')).toMatchObject({ host: 'db.example.com', ssl: { rejectUnauthorized: true } })
    expect(refused('postgres://gh@db.example.com/gh?ssl=0')).toMatch('parameter "ssl" is not supported')
    expect(refused('postgres://gh@localhost/gh?host=db.example.com&sslmode=disable')).toMatch('not sslmode=disable')
  })

  it('says what a bad URL should look like, and never prints the password', () => {
    expect(refused('mysql://db/gh')).toMatch('must start with postgres://')
    expect(refused('not a url')).toMatch('postgres://user:password@host:5432/database')
    expect(redactUrl('postgres://gh:hunter2@db.example.com/gh')).not.toContain('hunter2')
  })
})
