import { ROLE_LABELS } from '../../../shared/permissions'
import { OIDC_PRESET_INFO, type OidcPreset } from '../../../shared/sso-presets'
import type { Executor } from '../store/port'
import type { OidcConfig } from './oidc'
import { findLastTest, listConnections } from './repository'

/**
 * `gatehouse sso status`: each account's connections in plain lines (what is on, how it is used,
 * the last test and whether it is still current), read from a read-only connection.
 */
export async function ssoStatusReport(q: Executor, now: number): Promise<string> {
  const connections = await listConnections(q)
  if (connections.length === 0) return 'No single sign-on connection in this store.\n'
  const lines: string[] = []
  let account = ''
  for (const c of connections) {
    if (c.accountName !== account) {
      account = c.accountName
      lines.push(`${account}:`)
    }
    const config = JSON.parse(c.config) as OidcConfig
    const label = OIDC_PRESET_INFO[c.preset as OidcPreset]?.label ?? c.preset
    const state =
      c.slot === 'draft'
        ? 'being prepared'
        : c.enabledAt === null
          ? 'off'
          : `ON since ${new Date(c.enabledAt).toISOString()}, ${c.mode === 'enforced' ? 'required for everyone but the Owner' : 'offered beside passwords'}, ${
              c.provisioning === 'jit' ? `just-in-time provisioning as ${ROLE_LABELS[c.defaultRole ?? 'agent']}` : 'pre-provisioned members only'
            }`
    lines.push(`  ${label} (${c.protocol.toUpperCase()}), ${state}`)
    lines.push(`    issuer ${config.issuer}, client ${config.clientId}${c.secret ? ' (with a sealed secret)' : ''}, domains ${config.allowedDomains.join(', ')}`)
    lines.push(`    signing keys: the provider's published keys (${config.provider.jwksUri}), fetched at each sign-in; no certificate to expire`)
    const last = await findLastTest(q, c.id)
    if (!last) lines.push('    last test: none (enabling needs a passing test)')
    else {
      const days = Math.floor((now - last.finishedAt) / 86_400_000)
      lines.push(
        `    last test: ${last.result} ${new Date(last.finishedAt).toISOString()} (${days === 0 ? 'today' : `${days} days ago`}) by ${last.ranByName}${last.configHash === c.configHash ? '' : ' — the configuration changed since: test again'}`
      )
    }
  }
  return `${lines.join('\n')}\n`
}
