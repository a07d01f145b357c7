import type { Feature } from '../kernel/kernel'
import { disableSso, enableSso, refreshMetadata, saveOidc, saveSaml, SsoFlows, ssoStatus, startTest, sweepCertificates, sweepProviderKeys, testResult } from './service'
import { signInResult, SsoSignIns, startSignIn } from './sign-in'
import { providerAnswer } from './protocol'

/** Single sign-on: the connection to the account's identity provider, configured and tested. */
export const ssoFeature: Feature = (kernel) => {
  const flows = new SsoFlows()
  const signIns = new SsoSignIns(flows.callbacks)
  kernel.handle('sso:status', (ctx) => ssoStatus(kernel, ctx, flows))
  kernel.handle('sso:save-oidc', (ctx, input) => saveOidc(kernel, ctx, input))
  kernel.handle('sso:save-saml', (ctx, input) => saveSaml(kernel, ctx, input))
  kernel.handle('sso:test-start', (ctx, input) => startTest(kernel, ctx, flows, input))
  kernel.handle('sso:test-result', (ctx, input) => testResult(kernel, ctx, flows, input))
  kernel.handle('sso:refresh-metadata', (ctx, input) => refreshMetadata(kernel, ctx, input))
  kernel.handle('sso:enable', (ctx, input) => enableSso(kernel, ctx, flows, input))
  kernel.handle('sso:disable', (ctx) => disableSso(kernel, ctx, flows))
  kernel.handle('sso:sign-in-start', (ctx, input) => startSignIn(kernel, ctx, signIns, input))
  kernel.handle('sso:sign-in-result', (ctx, input) => signInResult(ctx, signIns, input))
  kernel.handle('sso:provider-answer', (_ctx, input) => providerAnswer(flows.callbacks, input))
  // Certificate warnings and the OIDC provider's keys: checked on the first tick and hourly after (a few rows per account).
  let checkedAt = Number.NEGATIVE_INFINITY
  let keysCheck: Promise<void> | null = null
  let closed = false
  kernel.onTick(async (now) => {
    if (now - checkedAt < 3_600_000) return
    checkedAt = now
    await sweepCertificates(kernel, now)
    // Network: in the background, one check at a time; a failure is logged and the next hour tries again.
    keysCheck ??= sweepProviderKeys(kernel, now)
      .catch((error: unknown) => {
        if (!closed) console.error('[sso] checking the providers\' keys failed:', error)
      })
      .finally(() => (keysCheck = null))
  })
  kernel.onClose(() => {
    closed = true
    flows.closeAll()
    signIns.closeAll()
  })
}
