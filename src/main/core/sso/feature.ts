import type { Feature } from '../kernel/kernel'
import { saveOidc, SsoFlows, ssoStatus, startTest, testResult } from './service'

/** Single sign-on: the connection to the account's identity provider, configured and tested. */
export const ssoFeature: Feature = (kernel) => {
  const flows = new SsoFlows()
  kernel.handle('sso:status', (ctx) => ssoStatus(kernel, ctx))
  kernel.handle('sso:save-oidc', (ctx, input) => saveOidc(kernel, ctx, input))
  kernel.handle('sso:test-start', (ctx, input) => startTest(kernel, ctx, flows, input))
  kernel.handle('sso:test-result', (ctx, input) => testResult(kernel, ctx, flows, input))
  kernel.onClose(() => flows.closeAll())
}
