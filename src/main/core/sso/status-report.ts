import { ROLE_LABELS } from '../../../shared/permissions'
import { describeCertificate } from './certificates'
import type { Executor } from '../store/port'
import type { OidcConfig } from './oidc'
import { findLastTest, listConnections } from './repository'
import { spEntityIdOf, type SamlConfig } from './saml'
import { connectionLabel } from './service'

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
    const config = JSON.parse(c.config) as Partial<OidcConfig & SamlConfig> & { allowedDomains: string[] }
    const label = connectionLabel(c)
    const state =
      c.slot === 'draft'
        ? 'being prepared'
        : c.enabledAt === null
          ? 'off'
          : `ON since ${new Date(c.enabledAt).toISOString()}, ${c.mode === 'enforced' ? 'required for everyone but the Owner' : 'offered beside passwords'}, ${
              c.provisioning === 'jit' ? `just-in-time provisioning as ${ROLE_LABELS[c.defaultRole ?? 'agent']}${c.defaultTeams.length > 0 ? ` in ${c.defaultTeams.length} default team${c.defaultTeams.length === 1 ? '' : 's'}` : ''}` : 'pre-provisioned members only'
            }`
    lines.push(`  ${label} (${c.protocol.toUpperCase()}), ${state}`)
    if (c.protocol === 'saml') {
      lines.push(`    IdP ${config.idpEntityId}, SSO URL ${config.ssoUrl}, SP ${spEntityIdOf(c.accountId)}, domains ${config.allowedDomains.join(', ')}`)
      for (const pem of config.certificates ?? []) {
        const cert = describeCertificate(pem, now)
        lines.push(`    certificate ${cert.subject}, SHA-256 ${cert.fingerprint256}, valid to ${new Date(cert.validTo).toISOString().slice(0, 10)} (${cert.daysLeft < 0 ? 'EXPIRED' : `${cert.daysLeft} days left`})`)
      }
    } else {
      lines.push(`    issuer ${config.issuer}, client ${config.clientId}${c.secret ? ' (with a sealed secret)' : ''}, domains ${config.allowedDomains.join(', ')}`)
      const checked = c.keysCheckedAt === null ? 'not checked yet' : `last checked ${new Date(c.keysCheckedAt).toISOString()}`
      lines.push(
        c.keysError !== null && c.keysFailingSince !== null
          ? `    signing keys: CANNOT BE FETCHED since ${new Date(c.keysFailingSince).toISOString()}: ${c.keysError} (${checked})`
          : `    signing keys: the provider's published keys (${config.provider?.jwksUri ?? '?'}), fetched at each sign-in and checked hourly (${checked})`
      )
    }
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
