import type { Feature } from '../kernel/kernel'
import { disableSso, enableSso, saveOidc, saveSaml, SsoFlows, ssoStatus, startTest, testResult } from './service'
import { signInResult, SsoSignIns, startSignIn } from './sign-in'

/** Single sign-on: the connection to the account's identity provider, configured and tested. */
export const ssoFeature: Feature = (kernel) => {
  const flows = new SsoFlows()
  const signIns = new SsoSignIns()
  kernel.handle('sso:status', (ctx) => ssoStatus(kernel, ctx))
  kernel.handle('sso:save-oidc', (ctx, input) => saveOidc(kernel, ctx, input))
  kernel.handle('sso:save-saml', (ctx, input) => saveSaml(kernel, ctx, input))
  kernel.handle('sso:test-start', (ctx, input) => startTest(kernel, ctx, flows, input))
  kernel.handle('sso:test-result', (ctx, input) => testResult(kernel, ctx, flows, input))
  kernel.handle('sso:enable', (ctx, input) => enableSso(kernel, ctx, input))
  kernel.handle('sso:disable', (ctx) => disableSso(kernel, ctx))
  kernel.handle('sso:sign-in-start', (ctx, input) => startSignIn(kernel, ctx, signIns, input))
  kernel.handle('sso:sign-in-result', (ctx, input) => signInResult(ctx, signIns, input))
  kernel.onClose(() => {
    flows.closeAll()
    signIns.closeAll()
  })
}
