import type { Feature } from '../kernel/kernel'
import { disableSso, enableSso, saveOidc, saveSaml, SsoFlows, ssoStatus, startTest, sweepCertificates, testResult } from './service'
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
  kernel.handle('sso:enable', (ctx, input) => enableSso(kernel, ctx, flows, input))
  kernel.handle('sso:disable', (ctx) => disableSso(kernel, ctx, flows))
  kernel.handle('sso:sign-in-start', (ctx, input) => startSignIn(kernel, ctx, signIns, input))
  kernel.handle('sso:sign-in-result', (ctx, input) => signInResult(ctx, signIns, input))
  kernel.handle('sso:provider-answer', (_ctx, input) => providerAnswer(flows.callbacks, input))
  // Certificate warnings: checked on the first tick and hourly after (a few rows per account).
  let checkedAt = Number.NEGATIVE_INFINITY
  kernel.onTick(async (now) => {
    if (now - checkedAt < 3_600_000) return
    checkedAt = now
    await sweepCertificates(kernel, now)
  })
  kernel.onClose(() => {
    flows.closeAll()
    signIns.closeAll()
  })
}
