import { createHash, randomUUID } from 'node:crypto'
import type { ParsedInputOf } from '../../../shared/contract'
import { AppError } from '../../../shared/contract/result'
import type { SsoCheck, SsoConnection, SsoStatus, SsoTestReport } from '../../../shared/contract/sso'
import { ROLE_LABELS } from '../../../shared/permissions'
import { DESKTOP_REDIRECT_URI, OIDC_PRESET_INFO, type OidcPreset } from '../../../shared/sso-presets'
import type { AuditEntry } from '../audit/ledger'
import { SYSTEM_ACTOR, type CallContext } from '../context'
import { accountOf, auditBase } from '../kernel/call'
import type { Kernel } from '../kernel/kernel'
import { answerSiteOf, commonConfig, HostCallbacks, ReplayCache, siteUrls, startProviderFlow, type CommonConfig, type ProviderAnswer, type StartedFlow } from './protocol'
import { generateServiceProviderMetadata } from '@node-saml/node-saml'
import { certificatesHealth, describeCertificate, thresholdOf, toPem } from './certificates'
import { checkIssuer, checkProviderKeys, discover, providerOf, type OidcConfig } from './oidc'
import { mappedRole, mappedTeams, mappingDto } from './mapping'
import { allTeams, findTeams } from '../teams/repository'
import { getTeams } from '../teams/service'
import { acsUrl, fetchMetadata, metadataChanges, parseIdpMetadata, spEntityIdOf, type SamlConfig } from './saml'
import { findConnection, findLastTest, findMemberByEmail, findTest, insertConnection, insertTest, listConnections, applyMetadataChange, noteCertificateThreshold, noteKeysCheck, promoteDraft, setEnabled, updateConnection, type SsoConnectionRow, type SsoSlot, type SsoTestRow } from './repository'

/** How long a test sign-in waits for the provider's redirect. */
export const TEST_FLOW_MS = 10 * 60_000

/** A test sign-in between its start and the provider's redirect: in the core's memory only. */
interface PendingTest {
  testId: string
  accountId: string
  connection: SsoConnectionRow
  config: CommonConfig
  startedAt: number
  audit: Pick<AuditEntry, 'accountId' | 'actor' | 'ip' | 'device'>
  flow: StartedFlow
  timer: NodeJS.Timeout
}

/** The feature's state: the pending test sign-ins, by id, and the assertions already used. */
export class SsoFlows {
  readonly pending = new Map<string, PendingTest>()
  readonly replay = new ReplayCache()
  /** The flows (tests and sign-ins) waiting at the web host's callback route. */
  readonly callbacks = new HostCallbacks()

  /**
   * Drop a pending test: its timer stopped and its listener closed, except when the provider's
   * answer is being answered on it (the listener closes itself once the page is sent).
   */
  drop(testId: string, options: { answering?: boolean } = {}): PendingTest | undefined {
    const test = this.pending.get(testId)
    if (!test) return undefined
    this.pending.delete(testId)
    clearTimeout(test.timer)
    if (!options.answering) test.flow.close()
    return test
  }

  closeAll(): void {
    for (const testId of [...this.pending.keys()]) this.drop(testId)
  }
}

function sealSecret(kernel: Kernel, secret: string | null): string | null {
  return secret === null ? null : kernel.store.seal(Buffer.from(secret, 'utf8')).toString('base64')
}

function unsealSecret(kernel: Kernel, sealed: string | null): string | null {
  return sealed === null ? null : kernel.store.unseal(Buffer.from(sealed, 'base64')).toString('utf8')
}

/** The configuration a test proves: the settings and (by its hash, never itself) the secret. */
function configHash(preset: string, config: OidcConfig | SamlConfig, secret: string | null): string {
  const secretHash = secret === null ? null : createHash('sha256').update(secret).digest('hex')
  const { provider: _provider, ...settings } = config as OidcConfig
  return createHash('sha256').update(JSON.stringify({ preset, settings, secretHash })).digest('hex')
}

/** The label a connection is shown under: its preset's, or custom SAML's. */
export function connectionLabel(row: Pick<SsoConnectionRow, 'protocol' | 'preset'>): string {
  return row.protocol === 'saml' ? 'Custom SAML 2.0' : OIDC_PRESET_INFO[row.preset as OidcPreset].label
}

/** The OIDC provider's keys as the last hourly check found them. */
function keysHealth(row: SsoConnectionRow, now: number): SsoConnection['health'] {
  if (row.keysError === null || row.keysFailingSince === null) return { level: 'ok', message: null }
  const hours = Math.max(1, Math.round((now - row.keysFailingSince) / 3_600_000))
  return { level: 'error', message: `${row.keysError} Sign-ins fail until the provider's keys can be fetched again (failing for about ${hours} hour${hours === 1 ? '' : 's'}).` }
}

/** A SAML connection's certificates, and its metadata URL when the last fetch failed (the certificates trusted before still work). */
function metadataHealth(row: SsoConnectionRow, certificates: SsoConnection['health']): SsoConnection['health'] {
  if (row.keysError === null || row.keysFailingSince === null) return certificates
  const failing = `The IdP's metadata could not be fetched since ${new Date(row.keysFailingSince).toISOString().slice(0, 16).replace('T', ' ')} UTC: ${row.keysError} The certificates trusted before still work.`
  return { level: certificates.level === 'error' ? 'error' : 'warning', message: certificates.message ? `${certificates.message} ${failing}` : failing }
}

function toDto(row: SsoConnectionRow, last: SsoTestRow | undefined, now: number, defaultTeams: ReadonlyArray<{ id: string; name: string }> = []): SsoConnection {
  const common = {
    id: row.id,
    slot: row.slot,
    hasClientSecret: row.secret !== null,
    updatedAt: row.updatedAt,
    updatedBy: row.updatedBy,
    lastTest: last ? { testId: last.testId, at: last.finishedAt, byName: last.ranByName, result: last.result, current: last.configHash === row.configHash } : null,
    enabled:
      row.enabledAt !== null && row.mode && row.provisioning && row.defaultRole
        ? { at: row.enabledAt, by: row.enabledBy ?? '', mode: row.mode, provisioning: row.provisioning, defaultRole: row.defaultRole, defaultTeams: defaultTeams.map((t) => ({ id: t.id, name: t.name })) }
        : null
  }
  if (row.protocol === 'saml') {
    const config = JSON.parse(row.config) as SamlConfig
    const certificates = config.certificates.map((pem) => {
      const facts = describeCertificate(pem, now)
      const threshold = thresholdOf(facts.daysLeft)
      return { ...facts, level: threshold === null ? ('ok' as const) : threshold === 0 ? ('error' as const) : ('warning' as const) }
    })
    const lastChange = row.metadataChange === null ? null : (JSON.parse(row.metadataChange) as { at: number; changes: string[] })
    return {
      ...common,
      health: metadataHealth(row, certificatesHealth(certificates)),
      protocol: 'saml',
      preset: 'saml',
      issuer: config.idpEntityId,
      clientId: spEntityIdOf(row.accountId),
      scopes: [],
      claims: mappingDto(config.claims),
      allowedDomains: config.allowedDomains,
      provider: null,
      saml: { ssoUrl: config.ssoUrl, certificates, metadataUrl: config.metadataUrl ?? null, checkedAt: config.metadataUrl ? (row.keysCheckedAt ?? row.updatedAt) : null, lastChange }
    }
  }
  const config = JSON.parse(row.config) as OidcConfig
  return {
    ...common,
    protocol: 'oidc',
    preset: row.preset as OidcPreset,
    issuer: config.issuer,
    clientId: config.clientId,
    scopes: config.scopes,
    claims: mappingDto(config.claims),
    allowedDomains: config.allowedDomains,
    provider: config.provider,
    saml: null,
    health: keysHealth(row, now)
  }
}

/** What the audit log shows of a connection: never the secret, only whether one is set; certificates by fingerprint. */
function audited(row: SsoConnectionRow | undefined, now: number): Record<string, unknown> | null {
  if (!row) return null
  if (row.protocol === 'saml') {
    const { certificates, ...settings } = JSON.parse(row.config) as SamlConfig
    return { preset: 'saml', ...settings, certificates: certificates.map((pem) => describeCertificate(pem, now).fingerprint256) }
  }
  const { provider: _provider, ...settings } = JSON.parse(row.config) as OidcConfig
  return { preset: row.preset, ...settings, hasClientSecret: row.secret !== null }
}

export async function ssoStatus(kernel: Kernel, ctx: CallContext, flows: SsoFlows): Promise<SsoStatus> {
  const accountId = accountOf(ctx)
  const dto = async (slot: SsoSlot) => {
    const row = await findConnection(kernel.store.db, accountId, slot)
    // A default team deleted since drops out of the list.
    return row ? toDto(row, await findLastTest(kernel.store.db, row.id), ctx.now, await findTeams(kernel.store.db, accountId, row.defaultTeams)) : null
  }
  // Through the web host, the IdP posts to the host's own ACS route; in the desktop app, to the loopback one.
  const site = siteUrls(answerSiteOf(ctx, flows.callbacks))
  const acs = site.acsUrl ?? acsUrl()
  const entityId = spEntityIdOf(accountId)
  const metadataXml = generateServiceProviderMetadata({ issuer: entityId, callbackUrl: acs, wantAssertionsSigned: true, identifierFormat: null })
  return {
    active: await dto('active'),
    draft: await dto('draft'),
    redirectUri: DESKTOP_REDIRECT_URI,
    webRedirectUri: site.redirectUri,
    samlServiceProvider: { entityId, acsUrl: acs, metadataXml }
  }
}

/**
 * Save the connection being prepared: the issuer checked against its preset, the provider's
 * discovery document fetched and checked, then the draft written (created, or changed) and
 * audited with before and after. The active connection, if any, is untouched.
 */
export async function saveOidc(kernel: Kernel, ctx: CallContext, input: ParsedInputOf<'sso:save-oidc'>): Promise<SsoConnection> {
  const accountId = accountOf(ctx)
  const info = OIDC_PRESET_INFO[input.preset]
  const issuer = checkIssuer(input.preset, input.issuer)
  const existing = await findConnection(kernel.store.db, accountId, 'draft')
  // Omitted: keep the stored secret; '' removes it.
  const secret = input.clientSecret === undefined ? unsealSecret(kernel, existing?.secret ?? null) : input.clientSecret === '' ? null : input.clientSecret
  if (info.clientSecret === 'required' && !secret) {
    const message = `${info.label} needs the client secret of the OAuth client you created for Gatehouse.`
    throw new AppError('VALIDATION', message, { issues: [{ path: 'clientSecret', message }] })
  }
  const discovered = await discover(issuer, input.clientId, secret)
  const config: OidcConfig = {
    issuer: discovered.serverMetadata().issuer,
    clientId: input.clientId,
    scopes: [...new Set(['openid', ...(input.scopes ?? info.scopes)])],
    claims: input.claims ?? info.claims,
    allowedDomains: [...new Set(input.allowedDomains)],
    provider: providerOf(discovered)
  }
  return writeDraft(kernel, ctx, {
    protocol: 'oidc',
    preset: input.preset,
    config,
    secret,
    described: `${info.label} (${config.issuer})`,
    secretChanged: (before) => input.clientSecret !== undefined && (before ? unsealSecret(kernel, before.secret) : null) !== secret
  })
}

/**
 * Save a custom SAML connection being prepared: the IdP's metadata read safely (or the settings
 * entered by hand), every certificate read, then the draft written and audited as for OIDC.
 */
export async function saveSaml(kernel: Kernel, ctx: CallContext, input: ParsedInputOf<'sso:save-saml'>): Promise<SsoConnection> {
  const idp =
    input.metadataUrl !== undefined
      ? { ...parseFetchedMetadata(await fetchMetadata(input.metadataUrl)), metadataUrl: input.metadataUrl }
      : input.metadataXml !== undefined
        ? parseIdpMetadata(input.metadataXml)
        : manualIdp(input.manual!)
  const sso = URL.canParse(idp.ssoUrl) ? new URL(idp.ssoUrl) : null
  if (!sso || sso.protocol !== 'https:') {
    const message = `The IdP's SSO URL ${idp.ssoUrl} is not https://: the sign-in would cross the network in the clear.`
    throw new AppError('VALIDATION', message, { issues: [{ path: input.manual ? 'manual.ssoUrl' : input.metadataUrl !== undefined ? 'metadataUrl' : 'metadataXml', message }] })
  }
  for (const pem of idp.certificates) {
    const facts = describeCertificate(pem, ctx.now)
    if (facts.daysLeft < 0) {
      const message = `The signing certificate ${facts.subject} (SHA-256 ${facts.fingerprint256}) expired on ${new Date(facts.validTo).toISOString().slice(0, 10)}: trust its successor instead.`
      throw new AppError('VALIDATION', message, { issues: [{ path: input.manual ? 'manual.certificates' : input.metadataUrl !== undefined ? 'metadataUrl' : 'metadataXml', message }] })
    }
  }
  const config: SamlConfig = { ...idp, claims: input.claims ?? { email: 'nameID', name: 'name' }, allowedDomains: [...new Set(input.allowedDomains)] }
  return writeDraft(kernel, ctx, { protocol: 'saml', preset: 'saml', config, secret: null, described: `custom SAML 2.0 (${idp.idpEntityId})`, secretChanged: () => false })
}

/** Fetched metadata read like a file's, its refusals said of the URL field. */
function parseFetchedMetadata(xml: string): ReturnType<typeof parseIdpMetadata> {
  try {
    return parseIdpMetadata(xml)
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION') throw new AppError('VALIDATION', `The metadata at that URL: ${error.message}`, { issues: [{ path: 'metadataUrl', message: error.message }] })
    throw error
  }
}

function manualIdp(manual: NonNullable<ParsedInputOf<'sso:save-saml'>['manual']>): Pick<SamlConfig, 'idpEntityId' | 'ssoUrl' | 'certificates'> {
  return { idpEntityId: manual.entityId, ssoUrl: manual.ssoUrl, certificates: [...new Set(manual.certificates.map(toPem))] }
}

/** The draft written (created, or changed, whatever its protocol was) and audited with before and after. */
async function writeDraft(
  kernel: Kernel,
  ctx: CallContext,
  draft: { protocol: 'oidc' | 'saml'; preset: string; config: OidcConfig | SamlConfig; secret: string | null; described: string; secretChanged: (before: SsoConnectionRow | undefined) => boolean }
): Promise<SsoConnection> {
  const accountId = accountOf(ctx)
  const actor = auditBase(ctx)
  const row = await kernel.tx(async (t) => {
    const before = await findConnection(t, accountId, 'draft')
    const next: SsoConnectionRow = {
      id: before?.id ?? randomUUID(),
      accountId,
      slot: 'draft',
      protocol: draft.protocol,
      preset: draft.preset,
      config: JSON.stringify(draft.config),
      secret: sealSecret(kernel, draft.secret),
      configHash: configHash(draft.preset, draft.config, draft.secret),
      createdAt: before?.createdAt ?? ctx.now,
      updatedAt: ctx.now,
      updatedBy: actor.actor.name,
      enabledAt: null,
      enabledBy: null,
      mode: null,
      provisioning: null,
      defaultRole: null,
      defaultTeams: [],
      keysCheckedAt: null,
      keysFailingSince: null,
      keysError: null,
      metadataChange: null
    }
    if (before) await updateConnection(t, next)
    else await insertConnection(t, next)
    const label = connectionLabel(next)
    await kernel.ledger.append(t, {
      ...actor,
      action: 'sso.configured',
      summary: `${actor.actor.name} ${before ? 'changed' : 'prepared'} the single sign-on connection to ${draft.described}; it needs a passing test before it can be enabled.`,
      target: { type: 'sso-connection', id: next.id, name: label },
      before: audited(before, ctx.now),
      after: { ...audited(next, ctx.now), clientSecretChanged: draft.secretChanged(before) }
    })
    return next
  })
  return toDto(row, await findLastTest(kernel.store.db, row.id), ctx.now)
}

const MODE_WORDS = { offered: 'offered beside passwords', enforced: 'required for everyone but the Owner' } as const
const PROVISIONING_WORDS = { jit: 'just-in-time provisioning', pre: 'pre-provisioned members only' } as const

/**
 * Turn single sign-on on: the draft (tested, passing, as it is now) becomes the active connection,
 * replacing the one before; without a draft, the active connection's options change (its last
 * test must still pass as it is now). Audited with before and after.
 */
export async function enableSso(kernel: Kernel, ctx: CallContext, flows: SsoFlows, input: ParsedInputOf<'sso:enable'>): Promise<SsoStatus> {
  const accountId = accountOf(ctx)
  const actor = auditBase(ctx)
  await kernel.tx(async (t) => {
    const draft = await findConnection(t, accountId, 'draft')
    const active = await findConnection(t, accountId, 'active')
    const chosen = draft ?? active
    if (!chosen) throw new AppError('NOT_FOUND', 'There is no connection to enable: configure one and test it first.')
    const last = await findLastTest(t, chosen.id)
    if (!last || last.result !== 'passed' || last.configHash !== chosen.configHash) {
      const why = !last ? 'it has not been tested' : last.result !== 'passed' ? 'its last test failed' : 'it changed after its last test'
      throw new AppError('CONFLICT', `Run a test sign-in that passes before enabling single sign-on: ${why}.`)
    }
    const teams = await getTeams(t, accountId, input.defaultTeamIds)
    if (draft) await promoteDraft(t, accountId)
    await setEnabled(t, chosen.id, { at: ctx.now, by: actor.actor.name, mode: input.mode, provisioning: input.provisioning, defaultRole: input.defaultRole, defaultTeams: teams.map((team) => team.id) })
    const info = { label: connectionLabel(chosen) }
    const teamWords = teams.length > 0 ? ` in ${teams.map((team) => team.name).join(', ')}` : ''
    await kernel.ledger.append(t, {
      ...actor,
      action: 'sso.enabled',
      summary: `${actor.actor.name} turned on single sign-on with ${info.label}: ${MODE_WORDS[input.mode]}, ${PROVISIONING_WORDS[input.provisioning]}${input.provisioning === 'jit' ? ` (new members join as ${ROLE_LABELS[input.defaultRole]}${teamWords})` : ''}.`,
      target: { type: 'sso-connection', id: chosen.id, name: info.label },
      before: active?.enabledAt ? { connection: active.id, mode: active.mode, provisioning: active.provisioning, defaultRole: active.defaultRole, defaultTeams: active.defaultTeams } : null,
      after: { connection: chosen.id, mode: input.mode, provisioning: input.provisioning, defaultRole: input.defaultRole, defaultTeams: teams.map((team) => team.name), replaced: draft && active ? active.id : null }
    })
  })
  return ssoStatus(kernel, ctx, flows)
}

/** Turn single sign-on off: everyone with a password signs in with it again; the connection is kept. */
export async function disableSso(kernel: Kernel, ctx: CallContext, flows: SsoFlows): Promise<SsoStatus> {
  const accountId = accountOf(ctx)
  const actor = auditBase(ctx)
  await kernel.tx(async (t) => {
    const active = await findConnection(t, accountId, 'active')
    if (!active?.enabledAt) throw new AppError('CONFLICT', 'Single sign-on is already off.')
    await setEnabled(t, active.id, null)
    const info = { label: connectionLabel(active) }
    await kernel.ledger.append(t, {
      ...actor,
      action: 'sso.disabled',
      summary: `${actor.actor.name} turned off single sign-on with ${info.label}; people sign in with their passwords (those without one ask an admin to reset it).`,
      target: { type: 'sso-connection', id: active.id, name: info.label },
      before: { mode: active.mode, provisioning: active.provisioning, defaultRole: active.defaultRole }
    })
  })
  return ssoStatus(kernel, ctx, flows)
}

const CHECK_LABELS = {
  email: 'Email address in the claims',
  domain: 'Email domain allowed',
  person: 'Person in this account'
} as const

/**
 * Start a test sign-in of a connection (the draft, else the active one): its discovery document
 * fetched again, a one-shot loopback listener opened for the redirect, and a new state, nonce and
 * PKCE verifier. A test started while another of the account's is pending replaces it.
 */
export async function startTest(kernel: Kernel, ctx: CallContext, flows: SsoFlows, input: ParsedInputOf<'sso:test-start'>): Promise<{ testId: string; authorizationUrl: string; redirectUri: string; expiresAt: number }> {
  const accountId = accountOf(ctx)
  const slot = input?.slot ?? ((await findConnection(kernel.store.db, accountId, 'draft')) ? 'draft' : 'active')
  const connection = await findConnection(kernel.store.db, accountId, slot)
  if (!connection) throw new AppError('NOT_FOUND', slot === 'draft' ? 'There is no connection being prepared to test: save one first.' : 'There is no active connection to test.')
  for (const [testId, test] of flows.pending) if (test.accountId === accountId) flows.drop(testId)
  const testId = randomUUID()
  const flow = await startProviderFlow(kernel, connection, flows.replay, answerSiteOf(ctx, flows.callbacks), (answer) => finishTest(kernel, flows, testId, answer))
  const expiresAt = ctx.now + TEST_FLOW_MS
  const timer = setTimeout(() => void expireTest(kernel, flows, testId), TEST_FLOW_MS)
  timer.unref()
  flows.pending.set(testId, { testId, accountId, connection, config: commonConfig(connection), startedAt: ctx.now, audit: auditBase(ctx), flow, timer })
  return { testId, authorizationUrl: flow.authorizationUrl, redirectUri: flow.redirectUri, expiresAt }
}

/** Who the claims map to in the account, and whether that person could sign in. */
async function personCheck(kernel: Kernel, accountId: string, email: string, name: string): Promise<{ check: SsoCheck; person: SsoTestReport['person'] }> {
  const member = await findMemberByEmail(kernel.store.db, accountId, email)
  if (!member) {
    const outcome = `${email} is not a member of this account: with just-in-time provisioning they would join as a new member; with pre-provisioning they would be refused.`
    return { check: { id: 'person', label: CHECK_LABELS.person, ok: true, detail: outcome }, person: { kind: 'unknown', email, name, role: null, outcome } }
  }
  const role = ROLE_LABELS[member.role]
  if (member.status === 'deactivated') {
    const outcome = `${member.name} (${member.email}) is deactivated in this account: their sign-in would be refused.`
    return { check: { id: 'person', label: CHECK_LABELS.person, ok: false, detail: outcome }, person: { kind: 'deactivated', email: member.email, name: member.name, role: member.role, outcome } }
  }
  const outcome = member.status === 'invited' ? `Accepts the invitation of ${member.name} (${member.email}) as ${role}.` : `Signs in as ${member.name} (${member.email}), ${role}.`
  return {
    check: { id: 'person', label: CHECK_LABELS.person, ok: true, detail: outcome },
    person: { kind: member.status === 'invited' ? 'invited' : 'member', email: member.email, name: member.name, role: member.role, outcome }
  }
}

/** The checks of the claims: the mapped email and name, the domain, the person, and the role and teams a new member would get. */
async function claimChecks(kernel: Kernel, test: PendingTest, claims: Record<string, unknown>): Promise<{ checks: SsoCheck[]; mapped: SsoTestReport['mapped']; person: SsoTestReport['person'] }> {
  const checks: SsoCheck[] = []
  const mapping = test.config.claims
  const rawEmail = claims[mapping.email]
  const rawName = claims[mapping.name]
  const email = typeof rawEmail === 'string' && rawEmail.includes('@') ? rawEmail.trim() : null
  const name = typeof rawName === 'string' && rawName.trim() ? rawName.trim() : null
  const role = mappedRole(mapping, claims)
  const teams = mappedTeams(mapping, claims, mapping.teams ? await allTeams(kernel.store.db, test.accountId) : [])
  const mapped = { email, name, role: role.role, teams: teams.teams.map((t) => t.name) }
  if (!email) {
    checks.push({ id: 'email', label: CHECK_LABELS.email, ok: false, detail: `The claims hold no email address in "${mapping.email}": request the email scope, or map the claim that carries it (${Object.keys(claims).join(', ')}).` })
    return { checks, mapped, person: null }
  }
  if (claims.email_verified === false) {
    checks.push({ id: 'email', label: CHECK_LABELS.email, ok: false, detail: `The provider says ${email} is not verified: an unverified address cannot be trusted to name a person.` })
    return { checks, mapped, person: null }
  }
  checks.push({ id: 'email', label: CHECK_LABELS.email, ok: true, detail: `${email} (from "${mapping.email}")` })
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase()
  const allowed = test.config.allowedDomains.includes(domain)
  checks.push({
    id: 'domain',
    label: CHECK_LABELS.domain,
    ok: allowed,
    detail: allowed ? `${domain} is allowed.` : `${domain} is not one of the allowed domains (${test.config.allowedDomains.join(', ')}): this person would be refused.`
  })
  if (mapping.role || mapping.teams) checks.push(mappingCheck(mapping, role, teams))
  const { check, person } = await personCheck(kernel, test.accountId, email, name ?? email.slice(0, email.indexOf('@')))
  checks.push(check)
  return { checks, mapped, person }
}

/** What the role and team claims gave, in words (never a failure: an unmapped value falls back to the defaults chosen when SSO is turned on). */
function mappingCheck(mapping: OidcConfig['claims'], role: ReturnType<typeof mappedRole>, teams: ReturnType<typeof mappedTeams>): SsoCheck {
  const parts: string[] = []
  if (mapping.role) {
    parts.push(
      role.role
        ? `"${mapping.role}" names the role ${ROLE_LABELS[role.role]}.`
        : role.values.length > 0
          ? `"${mapping.role}" holds ${role.values.map((v) => `"${v}"`).join(', ')}, none of them Admin, Agent or Viewer: the default role applies.`
          : `The claims hold no "${mapping.role}": the default role applies.`
    )
  }
  if (mapping.teams) {
    const found = teams.teams.length > 0 ? `"${mapping.teams}" names the teams ${teams.teams.map((t) => t.name).join(', ')}` : `"${mapping.teams}" names no team of this account`
    parts.push(`${found}${teams.unknown.length > 0 ? ` (no team here is called ${teams.unknown.map((v) => `"${v}"`).join(', ')}: ignored)` : ''}.`)
  }
  return { id: 'mapping', label: 'Role and teams for new members', ok: true, detail: parts.join(' ') }
}

/** Keep a finished test and audit it; the account's SSO screens refresh. */
async function recordTest(kernel: Kernel, test: PendingTest, report: SsoTestReport): Promise<void> {
  const info = { label: connectionLabel(test.connection) }
  const failed = report.checks.find((c) => !c.ok)
  await kernel.tx(async (t) => {
    await insertTest(t, test.accountId, {
      testId: test.testId,
      connectionId: test.connection.id,
      configHash: test.connection.configHash,
      startedAt: report.startedAt,
      finishedAt: report.finishedAt!,
      ranById: test.audit.actor.id ?? '',
      ranByName: report.byName,
      result: report.status === 'passed' ? 'passed' : 'failed',
      report: JSON.stringify(report)
    })
    await kernel.ledger.append(t, {
      ...test.audit,
      action: 'sso.tested',
      summary: `${test.audit.actor.name} tested the single sign-on connection to ${info.label}: ${report.status === 'passed' ? 'passed' : `failed (${failed?.detail ?? 'no answer'})`}.`,
      target: { type: 'sso-connection', id: test.connection.id, name: info.label },
      after: { result: report.status, checks: report.checks.map((c) => ({ id: c.id, ok: c.ok })), email: report.mapped?.email ?? null }
    })
  })
  kernel.publish(test.accountId, ['sso', 'audit'])
}

/** The provider's answer reached the loopback listener, checked: keep the report. Creates no person, membership or session. */
export async function finishTest(kernel: Kernel, flows: SsoFlows, testId: string, answer: ProviderAnswer): Promise<{ ok: boolean; message: string }> {
  const test = flows.drop(testId, { answering: true })
  if (!test) return { ok: false, message: 'This test sign-in has ended (a newer one replaced it, or it expired).' }
  const checks: SsoCheck[] = [...answer.checks]
  let mapped: SsoTestReport['mapped'] = null
  let person: SsoTestReport['person'] = null
  if (answer.claims) {
    const claimResult = await claimChecks(kernel, test, answer.claims)
    checks.push(...claimResult.checks)
    mapped = claimResult.mapped
    person = claimResult.person
  }
  const ok = checks.every((c) => c.ok)
  const report: SsoTestReport = {
    testId,
    status: ok ? 'passed' : 'failed',
    startedAt: test.startedAt,
    finishedAt: kernel.clock.now(),
    byName: test.audit.actor.name,
    checks,
    claims: answer.claims,
    mapped,
    person
  }
  await recordTest(kernel, test, report)
  return { ok, message: ok ? 'The test sign-in passed: Gatehouse shows what it received.' : `The test sign-in failed: ${checks.find((c) => !c.ok)!.detail}` }
}

async function expireTest(kernel: Kernel, flows: SsoFlows, testId: string): Promise<void> {
  const test = flows.drop(testId)
  if (!test) return
  const report: SsoTestReport = {
    testId,
    status: 'failed',
    startedAt: test.startedAt,
    finishedAt: kernel.clock.now(),
    byName: test.audit.actor.name,
    checks: [{ id: 'provider', label: 'The provider answered', ok: false, detail: `No answer from the provider within ${TEST_FLOW_MS / 60_000} minutes: the browser was closed, or the sign-in there was not finished.` }],
    claims: null,
    mapped: null,
    person: null
  }
  await recordTest(kernel, test, report).catch((error: unknown) => console.error('[sso] recording an expired test failed:', error))
}

export async function testResult(kernel: Kernel, ctx: CallContext, flows: SsoFlows, input: ParsedInputOf<'sso:test-result'>): Promise<SsoTestReport> {
  const accountId = accountOf(ctx)
  const pending = flows.pending.get(input.testId)
  if (pending && pending.accountId === accountId) {
    return { testId: pending.testId, status: 'pending', startedAt: pending.startedAt, finishedAt: null, byName: pending.audit.actor.name, checks: [], claims: null, mapped: null, person: null }
  }
  const row = await findTest(kernel.store.db, accountId, input.testId)
  if (!row) throw new AppError('NOT_FOUND', 'No such test sign-in in this account.')
  return JSON.parse(row.report) as SsoTestReport
}

/**
 * The timer's sweep of trusted SAML certificates: each warning (60, 30, 7 days before expiry, and
 * expired) is audited once per certificate, as the system, and the account's SSO screens refresh.
 */
export async function sweepCertificates(kernel: Kernel, now: number): Promise<void> {
  const touched = new Set<string>()
  for (const connection of await listConnections(kernel.store.db)) {
    if (connection.protocol !== 'saml') continue
    const config = JSON.parse(connection.config) as SamlConfig
    for (const pem of config.certificates) {
      const cert = describeCertificate(pem, now)
      const threshold = thresholdOf(cert.daysLeft)
      if (threshold === null) continue
      await kernel.tx(async (t) => {
        if (!(await noteCertificateThreshold(t, connection.accountId, connection.id, cert.fingerprint256, threshold, now))) return
        const on = new Date(cert.validTo).toISOString().slice(0, 10)
        const where = `${connection.slot === 'active' ? 'the active' : 'the prepared'} single sign-on connection (${connectionLabel(connection)})`
        await kernel.ledger.append(t, {
          accountId: connection.accountId,
          actor: SYSTEM_ACTOR,
          action: threshold === 0 ? 'sso.certificate-expired' : 'sso.certificate-expiring',
          summary:
            threshold === 0
              ? `The SAML signing certificate ${cert.subject} (SHA-256 ${cert.fingerprint256}) of ${where} expired on ${on}: assertions it signed are refused.`
              : `The SAML signing certificate ${cert.subject} (SHA-256 ${cert.fingerprint256}) of ${where} expires in ${cert.daysLeft} days, on ${on}: trust the IdP's next certificate before then.`,
          target: { type: 'sso-connection', id: connection.id, name: connectionLabel(connection) },
          after: { fingerprint256: cert.fingerprint256, validTo: cert.validTo, daysLeft: cert.daysLeft, threshold },
          ip: null,
          device: null
        })
        touched.add(connection.accountId)
      })
    }
  }
  for (const accountId of touched) kernel.publish(accountId, ['sso', 'audit'])
}

/**
 * The timer's check of every OIDC provider's signing keys (over the network, so the timer does not
 * wait for it): losing them, and getting them back, is audited once each, as the system, and the
 * account's SSO screens refresh.
 */
export async function sweepProviderKeys(kernel: Kernel, now: number): Promise<void> {
  for (const connection of await listConnections(kernel.store.db)) {
    const changed = connection.protocol === 'oidc' ? await checkKeys(kernel, connection, now) : await sweepMetadata(kernel, connection, now)
    if (changed) kernel.publish(connection.accountId, ['sso', 'audit'])
  }
}

/** A SAML connection's metadata URL fetched again by the hourly check; true when something changed (audited). */
async function sweepMetadata(kernel: Kernel, connection: SsoConnectionRow, now: number): Promise<boolean> {
  const config = JSON.parse(connection.config) as SamlConfig
  if (!config.metadataUrl) return false
  let xml: string
  let idp: ReturnType<typeof parseIdpMetadata>
  try {
    xml = await fetchMetadata(config.metadataUrl)
    idp = parseIdpMetadata(xml)
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    const failedBefore = connection.keysError !== null
    await kernel.tx(async (t) => {
      await noteKeysCheck(t, connection.id, now, error.message)
      if (failedBefore) return
      await kernel.ledger.append(t, {
        ...systemEntry(connection),
        action: 'sso.provider-keys-unavailable',
        summary: `The IdP metadata of ${whereOf(connection)} cannot be fetched from ${config.metadataUrl}: ${error.message} The certificates trusted before still work.`,
        after: { metadataUrl: config.metadataUrl, error: error.message }
      })
    })
    return !failedBefore
  }
  const result = await applyMetadata(kernel, connection, config, idp, now, { ...systemEntry(connection) })
  if (result.changes.length > 0 || connection.keysError === null) return result.changes.length > 0
  // It had failed before: fetched again.
  await kernel.tx(async (t) =>
    kernel.ledger.append(t, {
      ...systemEntry(connection),
      action: 'sso.provider-keys-restored',
      summary: `The IdP metadata of ${whereOf(connection)} can be fetched again from ${config.metadataUrl}.`,
      after: { metadataUrl: config.metadataUrl }
    })
  )
  return true
}

const whereOf = (connection: SsoConnectionRow) => `${connection.slot === 'active' ? 'the active' : 'the prepared'} single sign-on connection (${connectionLabel(connection)})`

function systemEntry(connection: SsoConnectionRow): Pick<AuditEntry, 'accountId' | 'actor' | 'target' | 'ip' | 'device'> {
  return { accountId: connection.accountId, actor: SYSTEM_ACTOR, target: { type: 'sso-connection', id: connection.id, name: connectionLabel(connection) }, ip: null, device: null }
}

/**
 * Fetched metadata compared with the connection's: unchanged, only the check is noted; changed
 * (certificates, SSO URL, entity ID), the connection takes it, with a new configuration hash (a new
 * test is needed before enabling again), and the change is kept and audited in words.
 */
async function applyMetadata(
  kernel: Kernel,
  connection: SsoConnectionRow,
  config: SamlConfig,
  idp: ReturnType<typeof parseIdpMetadata>,
  now: number,
  audit: Pick<AuditEntry, 'accountId' | 'actor' | 'ip' | 'device'>
): Promise<{ changes: string[] }> {
  const describe = (pem: string) => {
    const cert = describeCertificate(pem, now)
    return `${cert.subject} (SHA-256 ${cert.fingerprint256}, valid to ${new Date(cert.validTo).toISOString().slice(0, 10)})`
  }
  const changes = metadataChanges(config, idp, describe)
  await kernel.tx(async (t) => {
    if (changes.length === 0) return noteKeysCheck(t, connection.id, now, null)
    const next: SamlConfig = { ...config, idpEntityId: idp.idpEntityId, ssoUrl: idp.ssoUrl, certificates: idp.certificates }
    await applyMetadataChange(t, connection.id, JSON.stringify(next), configHash(connection.preset, next, null), JSON.stringify({ at: now, changes }), now)
    await kernel.ledger.append(t, {
      ...audit,
      action: 'sso.metadata-changed',
      summary: `The IdP metadata of ${whereOf(connection)} changed at ${config.metadataUrl}: ${changes.join('; ')}. Run a test sign-in to prove it still works.`,
      target: { type: 'sso-connection', id: connection.id, name: connectionLabel(connection) },
      before: audited(connection, now),
      after: { ...audited({ ...connection, config: JSON.stringify(next) }, now), changes }
    })
  })
  return { changes }
}

/** "Fetch metadata now": the connection's metadata URL fetched and applied as the hourly check does, as the person who asked. */
export async function refreshMetadata(kernel: Kernel, ctx: CallContext, input: ParsedInputOf<'sso:refresh-metadata'>): Promise<{ changes: string[]; connection: SsoConnection }> {
  const accountId = accountOf(ctx)
  const connection = await findConnection(kernel.store.db, accountId, input.slot)
  if (!connection) throw new AppError('NOT_FOUND', input.slot === 'draft' ? 'There is no connection being prepared.' : 'There is no active connection.')
  const config = connection.protocol === 'saml' ? (JSON.parse(connection.config) as SamlConfig) : null
  if (!config?.metadataUrl) throw new AppError('CONFLICT', 'This connection was not set up from a metadata URL: there is nothing to fetch again. Save it with its metadata URL first.')
  const idp = parseFetchedMetadata(await fetchMetadata(config.metadataUrl))
  const { changes } = await applyMetadata(kernel, connection, config, idp, ctx.now, auditBase(ctx))
  const row = (await findConnection(kernel.store.db, accountId, input.slot))!
  return { changes, connection: toDto(row, await findLastTest(kernel.store.db, row.id), ctx.now, await findTeams(kernel.store.db, accountId, row.defaultTeams)) }
}

/** One OIDC connection's keys fetched; true when their state changed (audited). */
async function checkKeys(kernel: Kernel, connection: SsoConnectionRow, now: number): Promise<boolean> {
  const config = JSON.parse(connection.config) as OidcConfig
  const error = await checkProviderKeys(config.provider.jwksUri)
  const changed = (error === null) !== (connection.keysError === null)
  await kernel.tx(async (t) => {
    await noteKeysCheck(t, connection.id, now, error)
    if (!changed) return
    const where = `${connection.slot === 'active' ? 'the active' : 'the prepared'} single sign-on connection (${connectionLabel(connection)})`
    await kernel.ledger.append(t, {
      accountId: connection.accountId,
      actor: SYSTEM_ACTOR,
      action: error === null ? 'sso.provider-keys-restored' : 'sso.provider-keys-unavailable',
      summary: error === null ? `The signing keys of ${where} can be fetched again from ${config.provider.jwksUri}.` : `The signing keys of ${where} cannot be fetched: ${error}`,
      target: { type: 'sso-connection', id: connection.id, name: connectionLabel(connection) },
      before: { keysError: connection.keysError },
      after: { keysError: error, jwksUri: config.provider.jwksUri },
      ip: null,
      device: null
    })
  })
  return changed
}
