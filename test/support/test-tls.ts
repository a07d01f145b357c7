import { readFileSync } from 'node:fs'
import type { RequestListener } from 'node:http'
import { createServer, type Server } from 'node:https'
import { fileURLToPath } from 'node:url'

/**
 * The certificate the tests' identity providers serve on 127.0.0.1 (test/fixtures/tls, valid to
 * 2046, SAN 127.0.0.1 and localhost). The product only ever talks https to a provider; the test
 * processes trust this certificate through NODE_EXTRA_CA_CERTS, which vitest.config.ts and
 * playwright.config.ts set before any test process starts.
 */
export const TEST_TLS_CERT_FILE = fileURLToPath(new URL('../fixtures/tls/idp-cert.pem', import.meta.url))
const TEST_TLS_KEY_FILE = fileURLToPath(new URL('../fixtures/tls/idp-key.pem', import.meta.url))

/** An https server on the test certificate (listen on 127.0.0.1 yourself). */
export function createTestHttpsServer(handler?: RequestListener): Server {
  return createServer({ cert: readFileSync(TEST_TLS_CERT_FILE), key: readFileSync(TEST_TLS_KEY_FILE) }, handler)
}
