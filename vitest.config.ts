import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

/** Tests of the SQLite file itself (pages, WAL, keys.json, its migrations' SQLite text). */
const SQLITE_FILE_TESTS = [
  'test/unit/core/store/migrations/**',
  'test/unit/core/store/key-envelope.test.ts',
  'test/unit/core/store/open-store.test.ts',
  'test/unit/core/store/damaged-store.test.ts',
  'test/unit/core/store/wal-damage.test.ts'
]

// The tests' identity providers serve https on 127.0.0.1 with the test certificate
// (test/support/test-tls.ts): every test process trusts it.
const TEST_CA = fileURLToPath(new URL('./test/fixtures/tls/idp-cert.pem', import.meta.url))

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Cheap password hashes for the suite (scrypt N = 2^10); passwords.test.ts checks the real cost.
    setupFiles: ['test/support/cheap-passwords.ts'],
    // Read by Node when each test process starts (the forks get it in their environment).
    env: { NODE_EXTRA_CA_CERTS: TEST_CA },
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
          exclude: ['test/unit/core/store/postgres-*.test.ts']
        }
      },
      {
        // The core's suites again, on a real PostgreSQL 15 server the harness starts on 127.0.0.1.
        extends: true,
        test: {
          name: 'postgres',
          // The users list's view state too: its reversed reads past the middle must match PostgreSQL's order.
          include: ['test/unit/core/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/unit/renderer/users-store.test.ts'],
          exclude: SQLITE_FILE_TESTS,
          env: { GATEHOUSE_TEST_STORE: 'postgres' },
          globalSetup: ['test/support/postgres-global-setup.ts']
        }
      }
    ]
  }
})
