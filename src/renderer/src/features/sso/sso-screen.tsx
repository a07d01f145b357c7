import { useEffect, useId, useRef, useState, type JSX, type ReactNode } from 'react'
import { Badge } from '../../components/badge'
import { Banner } from '../../components/banner'
import { TextField } from '../../components/field'
import { Spinner } from '../../components/spinner'
import { formatDateTime } from '../../components/format'
import { getBridge } from '../../app/bridge'
import { downloadText } from '../../components/download'
import { useFormErrors } from '../../app/field-errors'
import { useSession } from '../../app/session-store'
import type { SsoConnection, SsoStatus, SsoTestReport } from '../../../../shared/contract/sso'
import { OIDC_PRESETS, OIDC_PRESET_INFO, type OidcPreset } from '../../../../shared/sso-presets'
import { useT, type MessageKey } from '../../i18n/i18n'
import '../settings/settings.css'
import './sso.css'
import { useChannelRead } from '../../app/use-channel-read'

/** What the screen reads again when the core says it changed. */
const SSO_TOPICS = ['sso'] as const

const CLAIM_FIELDS = ['emailClaim', 'nameClaim', 'roleClaim', 'teamsClaim'] as const
const FIELDS = ['preset', 'issuer', 'clientId', 'clientSecret', 'allowedDomains', ...CLAIM_FIELDS] as const
const CLAIM_ALIASES = { 'claims.email': 'emailClaim', 'claims.name': 'nameClaim', 'claims.role': 'roleClaim', 'claims.teams': 'teamsClaim' } as const
const ALIASES = { ...CLAIM_ALIASES, email: 'emailClaim', name: 'nameClaim' } as const

export const PRESET_LABELS: Record<OidcPreset | 'saml', MessageKey> = { google: 'sso.preset.google', entra: 'sso.preset.entra', okta: 'sso.preset.okta', oidc: 'sso.preset.oidc', saml: 'sso.preset.saml' }
const PRESET_HINTS: Record<OidcPreset, MessageKey> = { google: 'sso.issuerHint.google', entra: 'sso.issuerHint.entra', okta: 'sso.issuerHint.okta', oidc: 'sso.issuerHint.oidc' }
const ROLE_KEYS = { admin: 'role.admin', agent: 'role.agent', viewer: 'role.viewer' } as const satisfies Record<string, MessageKey>

/** Poll a test's report until the provider's redirect reached Gatehouse (or the test ended). */
function useTestReport(testId: string | null, onDone: () => void): SsoTestReport | null {
  const [state, setState] = useState<{ testId: string; report: SsoTestReport } | null>(null)
  const done = useRef(onDone)
  useEffect(() => {
    done.current = onDone
  })
  useEffect(() => {
    if (!testId) return
    let stopped = false
    const poll = async (): Promise<void> => {
      const result = await getBridge().invoke('sso:test-result', { testId })
      if (stopped) return
      if (result.ok) {
        setState({ testId, report: result.value })
        if (result.value.status !== 'pending') return done.current()
      }
      setTimeout(() => void poll(), 1000)
    }
    void poll()
    return () => {
      stopped = true
    }
  }, [testId])
  return state && state.testId === testId ? state.report : null
}

/**
 * Settings → Access Control → Single sign-on: the connection to the account's identity provider.
 * Owner and Admin configure it, run a test sign-in (the real flow, in the browser) and turn it on;
 * a Viewer sees how it stands.
 */
export function SsoScreen(): JSX.Element {
  const t = useT()
  const canManage = useSession((s) => s.session?.permissions.includes('sso:manage') ?? false)
  const { value: status, error, reload } = useChannelRead('sso:status', {}, SSO_TOPICS)

  const candidate = status ? (status.draft ?? status.active) : null
  return (
    <section className="screen settings-screen" aria-labelledby="sso-title">
      <header className="screen-header">
        <div className="screen-heading">
          <h1 id="sso-title">{t('screen.sso')}</h1>
        </div>
      </header>
      <div className="settings-body">
        <div className="settings-sections">
          {error ? <Banner tone="error">{t('sso.loadFailed', { error })}</Banner> : null}
          {!status && !error ? <Spinner label={t('sso.loading')} /> : null}
          {status ? (
            <>
              <StatusCard status={status} canManage={canManage} onChanged={reload} />
              <section className="settings-card" aria-labelledby="sso-redirect-title">
                <h2 id="sso-redirect-title">{t('sso.redirectTitle')}</h2>
                <p className="muted">{t('sso.redirectIntro')}</p>
                <CopyLine value={status.redirectUri} testId="sso-redirect-uri" />
                {status.webRedirectUri ? (
                  <>
                    <p className="muted">{t('sso.webRedirectIntro')}</p>
                    <CopyLine value={status.webRedirectUri} testId="sso-web-redirect-uri" />
                  </>
                ) : null}
              </section>
              {canManage ? <ProtocolChoice status={status} onSaved={reload} /> : null}
              {canManage && candidate ? <TestCard connection={candidate} onFinished={reload} /> : null}
              {canManage && candidate ? <EnableCard status={status} connection={candidate} onChanged={reload} /> : null}
            </>
          ) : null}
        </div>
      </div>
    </section>
  )
}

function CopyLine({ value, testId }: { value: string; testId?: string }): JSX.Element {
  const t = useT()
  const [copied, setCopied] = useState(false)
  return (
    <div className="sso-copy">
      <code data-testid={testId}>{value}</code>
      <button
        type="button"
        className="button"
        onClick={() => {
          void navigator.clipboard.writeText(value).then(
            () => setCopied(true),
            () => setCopied(false)
          )
        }}
      >
        {copied ? t('sso.copied') : t('sso.copy')}
      </button>
    </div>
  )
}

function ConnectionFacts({ connection }: { connection: SsoConnection }): JSX.Element {
  const t = useT()
  return (
    <>
      {connection.health.message ? (
        <Banner tone={connection.health.level === 'error' ? 'error' : 'warning'}>{connection.health.message}</Banner>
      ) : null}
      <dl className="settings-facts">
      <dt>{t('sso.provider')}</dt>
      <dd>{t(PRESET_LABELS[connection.preset])}</dd>
      <dt>{t(connection.saml ? 'sso.idpEntityId' : 'sso.issuer')}</dt>
      <dd>
        <code>{connection.issuer}</code>
      </dd>
      <dt>{t(connection.saml ? 'sso.spEntityId' : 'sso.clientId')}</dt>
      <dd>
        <code>{connection.clientId}</code>
      </dd>
      {connection.saml ? (
        <>
          <dt>{t('sso.ssoUrl')}</dt>
          <dd>
            <code>{connection.saml.ssoUrl}</code>
          </dd>
          {connection.saml.metadataUrl ? <MetadataFacts connection={connection} /> : null}
          <dt>{t('sso.certificates')}</dt>
          <dd>
            <ul className="sso-certificates">
              {connection.saml.certificates.map((cert) => (
                <li key={cert.fingerprint256}>
                  <Badge tone={cert.level === 'error' ? 'red' : cert.level === 'warning' ? 'amber' : 'green'}>
                    {cert.daysLeft < 0 ? t('sso.certExpired') : t('sso.certDaysLeft', { count: cert.daysLeft })}
                  </Badge>{' '}
                  {cert.subject}
                  <div className="muted">
                    {t('sso.certDetail', { fingerprint: cert.fingerprint256, from: formatDateTime(cert.validFrom), to: formatDateTime(cert.validTo) })}
                  </div>
                </li>
              ))}
            </ul>
          </dd>
        </>
      ) : null}
      <dt>{t('sso.domains')}</dt>
      <dd>{connection.allowedDomains.join(', ')}</dd>
      <dt>{t('sso.lastTest')}</dt>
      <dd>
        {connection.lastTest ? (
          <>
            <Badge tone={connection.lastTest.result === 'passed' && connection.lastTest.current ? 'green' : 'red'}>
              {t(connection.lastTest.result === 'passed' ? 'sso.testPassed' : 'sso.testFailed')}
            </Badge>{' '}
            {t('sso.lastTestDetail', { at: formatDateTime(connection.lastTest.at), by: connection.lastTest.byName })}
            {connection.lastTest.current ? null : <span className="muted"> {t('sso.testOutdated')}</span>}
          </>
        ) : (
          t('sso.notTested')
        )}
      </dd>
      </dl>
    </>
  )
}

/** Metadata read from a URL: where, when last fetched, the last change found, and "Fetch now" for those who manage SSO. */
function MetadataFacts({ connection }: { connection: SsoConnection }): JSX.Element {
  const t = useT()
  const saml = connection.saml!
  const canManage = useSession((s) => s.session?.permissions.includes('sso:manage') ?? false)
  const [busy, setBusy] = useState(false)
  const [answer, setAnswer] = useState<{ tone: 'info' | 'error'; text: string; changes: string[] } | null>(null)
  async function refresh(): Promise<void> {
    setBusy(true)
    const result = await getBridge().invoke('sso:refresh-metadata', { slot: connection.slot })
    setBusy(false)
    if (!result.ok) return setAnswer({ tone: 'error', text: result.error.message, changes: [] })
    const { changes } = result.value
    setAnswer({ tone: 'info', text: t(changes.length === 0 ? 'sso.metadataUnchanged' : 'sso.metadataChanged', { count: changes.length }), changes })
  }
  return (
    <>
      <dt>{t('sso.metadataUrl')}</dt>
      <dd>
        <code>{saml.metadataUrl}</code>
        <div className="muted">{saml.checkedAt ? t('sso.metadataChecked', { at: formatDateTime(saml.checkedAt) }) : null}</div>
        {saml.lastChange ? (
          <div className="muted" data-testid="sso-metadata-change">
            {t('sso.metadataLastChange', { at: formatDateTime(saml.lastChange.at) })}
            <ul>
              {saml.lastChange.changes.map((change) => (
                <li key={change}>{change}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {canManage ? (
          <div className="sso-refresh">
            <button type="button" className="button button-sm" disabled={busy} onClick={() => void refresh()}>
              {t('sso.metadataRefresh')}
            </button>
          </div>
        ) : null}
        {answer ? (
          <div role="status" data-testid="sso-metadata-answer">
            <Banner tone={answer.tone}>{answer.text}</Banner>
            {answer.changes.length > 0 ? (
              <ul>
                {answer.changes.map((change) => (
                  <li key={change}>{change}</li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
      </dd>
    </>
  )
}

function StatusCard({ status, canManage, onChanged }: { status: SsoStatus; canManage: boolean; onChanged(): void }): JSX.Element {
  const t = useT()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const enabled = status.active?.enabled ?? null
  return (
    <section className="settings-card" aria-labelledby="sso-status-title" data-testid="sso-status">
      <h2 id="sso-status-title">{t('sso.statusTitle')}</h2>
      {error ? <Banner tone="error">{error}</Banner> : null}
      <p>
        <Badge tone={enabled ? 'green' : 'grey'}>{t(enabled ? 'sso.on' : 'sso.off')}</Badge>{' '}
        {enabled
          ? t('sso.onDetail', {
              mode: t(enabled.mode === 'enforced' ? 'sso.modeEnforced' : 'sso.modeOffered'),
              provisioning: t(enabled.provisioning === 'jit' ? 'sso.provisioningJit' : 'sso.provisioningPre'),
              at: formatDateTime(enabled.at),
              by: enabled.by
            })
          : status.active || status.draft
            ? t('sso.offDetail')
            : t('sso.none')}
      </p>
      {enabled && enabled.provisioning === 'jit' && enabled.defaultTeams.length > 0 ? <p className="muted">{t('sso.onTeams', { teams: enabled.defaultTeams.map((team) => team.name).join(', ') })}</p> : null}
      {status.active ? <ConnectionFacts connection={status.active} /> : null}
      {status.draft ? (
        <>
          <h3>{t('sso.draftTitle')}</h3>
          <ConnectionFacts connection={status.draft} />
        </>
      ) : null}
      {canManage && enabled ? (
        <div>
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => {
              setBusy(true)
              void getBridge()
                .invoke('sso:disable', {})
                .then((result) => {
                  setBusy(false)
                  if (!result.ok) return setError(result.error.message)
                  setError(null)
                  onChanged()
                })
            }}
          >
            {t('sso.disable')}
          </button>
          <p className="muted">{t('sso.disableHint')}</p>
        </div>
      ) : null}
    </section>
  )
}

/** OpenID Connect (the presets and any provider) or custom SAML 2.0: the form for the chosen one. */
function ProtocolChoice({ status, onSaved }: { status: SsoStatus; onSaved(): void }): JSX.Element {
  const t = useT()
  const candidate = status.draft ?? status.active
  const [protocol, setProtocol] = useState<'oidc' | 'saml'>(candidate?.protocol ?? 'oidc')
  return (
    <>
      <section className="settings-card" aria-labelledby="sso-protocol-title">
        <h2 id="sso-protocol-title">{t('sso.protocolTitle')}</h2>
        <Choices<'oidc' | 'saml'> legend={t('sso.protocolLegend')} name="sso-protocol" value={protocol} onChange={setProtocol} options={[['oidc', t('sso.protocolOidc')], ['saml', t('sso.protocolSaml')]]} />
      </section>
      {protocol === 'oidc' ? (
        <ConfigureCard connection={candidate?.protocol === 'oidc' ? candidate : null} onSaved={onSaved} />
      ) : (
        <>
          <SamlServiceProviderCard sp={status.samlServiceProvider} />
          <SamlConfigureCard connection={candidate?.protocol === 'saml' ? candidate : null} onSaved={onSaved} />
        </>
      )}
    </>
  )
}

/** What the SAML IdP needs of Gatehouse: SP entity ID, ACS URL, and the SP metadata to upload. */
function SamlServiceProviderCard({ sp }: { sp: SsoStatus['samlServiceProvider'] }): JSX.Element {
  const t = useT()
  return (
    <section className="settings-card" aria-labelledby="sso-sp-title">
      <h2 id="sso-sp-title">{t('sso.spTitle')}</h2>
      <p className="muted">{t('sso.spIntro')}</p>
      <dl className="settings-facts">
        <dt>{t('sso.spEntityId')}</dt>
        <dd>
          <CopyLine value={sp.entityId} />
        </dd>
        <dt>{t('sso.acsUrl')}</dt>
        <dd>
          <CopyLine value={sp.acsUrl} />
        </dd>
      </dl>
      <div>
        <button type="button" className="button" onClick={() => downloadText('gatehouse-sp-metadata.xml', sp.metadataXml, 'application/samlmetadata+xml')}>
          {t('sso.spDownload')}
        </button>
      </div>
    </section>
  )
}

/** An example, not words: the same in every language. */
const METADATA_URL_EXAMPLE = 'https://idp.example.com/saml/metadata'
const SAML_FIELDS = ['metadataXml', 'metadataUrl', 'allowedDomains', ...CLAIM_FIELDS] as const

function SamlConfigureCard({ connection, onSaved }: { connection: SsoConnection | null; onSaved(): void }): JSX.Element {
  const t = useT()
  const metadataId = useId()
  const [source, setSource] = useState<'xml' | 'url'>(connection?.saml?.metadataUrl ? 'url' : 'xml')
  const [metadata, setMetadata] = useState('')
  const [metadataUrl, setMetadataUrl] = useState(connection?.saml?.metadataUrl ?? '')
  const [domains, setDomains] = useState(connection?.allowedDomains.join(', ') ?? '')
  const claims = useClaimMapping(connection, 'nameID')
  const [busy, setBusy] = useState(false)
  const [saved, setSaved] = useState(false)
  const form = useFormErrors(SAML_FIELDS, { aliases: CLAIM_ALIASES })
  async function save(): Promise<void> {
    setBusy(true)
    setSaved(false)
    const result = await getBridge().invoke('sso:save-saml', {
      ...(source === 'url' ? { metadataUrl } : { metadataXml: metadata }),
      allowedDomains: splitDomains(domains),
      claims: claims.input
    })
    setBusy(false)
    if (!result.ok) return void form.refuse(result.error)
    form.clear()
    setSaved(true)
    onSaved()
  }
  return (
    <ConnectionForm id="sso-saml-title" title={t('sso.samlTitle')} formLabel={t('sso.samlTitle')} banner={form.banner} saved={saved} busy={busy} submit={t('sso.saveSaml')} onSubmit={save}>
        <Choices<'xml' | 'url'>
          legend={t('sso.metadataSource')}
          name="saml-source"
          value={source}
          onChange={setSource}
          options={[['xml', t('sso.metadataFromXml')], ['url', t('sso.metadataFromUrl')]]}
        />
        {source === 'url' ? (
          <TextField
            label={t('sso.metadataUrl')}
            name="saml-metadata-url"
            value={metadataUrl}
            spellCheck={false}
            placeholder={METADATA_URL_EXAMPLE}
            hint={t('sso.metadataUrlHint')}
            error={form.fields.metadataUrl}
            onChange={(e) => {
              setMetadataUrl(e.target.value)
              form.edited('metadataUrl')
              setSaved(false)
            }}
          />
        ) : (
          <div className="field">
            <label className="field-label" htmlFor={metadataId}>
              {t('sso.metadata')}
            </label>
            <textarea
              id={metadataId}
              className="textarea sso-metadata"
              rows={6}
              spellCheck={false}
              value={metadata}
              aria-invalid={form.fields.metadataXml ? true : undefined}
              onChange={(e) => {
                setMetadata(e.target.value)
                form.edited('metadataXml')
                setSaved(false)
              }}
            />
            {form.fields.metadataXml ? <p className="field-error">{form.fields.metadataXml}</p> : null}
            <p className="field-hint">{t('sso.metadataHint')}</p>
            <input
              type="file"
              accept=".xml,application/xml,text/xml,application/samlmetadata+xml"
              aria-label={t('sso.metadataFile')}
              onChange={(e) => {
                const file = e.target.files?.[0]
                if (file) void file.text().then((text) => setMetadata(text))
              }}
            />
          </div>
        )}
        <TextField
          label={t('sso.domains')}
          name="saml-domains"
          value={domains}
          spellCheck={false}
          placeholder={t('sso.domainsPlaceholder')}
          hint={t('sso.domainsHint')}
          error={form.fields.allowedDomains}
          onChange={(e) => {
            setDomains(e.target.value)
            form.edited('allowedDomains')
          }}
        />
        <ClaimFields kind="attribute" mapping={claims} errors={form.fields} onEdited={(field) => form.edited(field)} />
    </ConnectionForm>
  )
}

type ClaimField = (typeof CLAIM_FIELDS)[number]

/** The claim (OIDC) or attribute (SAML) names a connection maps, as typed; role and teams optional. */
function useClaimMapping(connection: SsoConnection | null, emailDefault: string) {
  const [values, setValues] = useState<Record<ClaimField, string>>({
    emailClaim: connection?.claims.email ?? emailDefault,
    nameClaim: connection?.claims.name ?? 'name',
    roleClaim: connection?.claims.role ?? '',
    teamsClaim: connection?.claims.teams ?? ''
  })
  const optional = (value: string) => (value.trim() ? value.trim() : undefined)
  return {
    values,
    set: (field: ClaimField, value: string) => setValues((v) => ({ ...v, [field]: value })),
    input: { email: values.emailClaim, name: values.nameClaim, role: optional(values.roleClaim), teams: optional(values.teamsClaim) }
  }
}

const CLAIM_LABELS = {
  claim: { emailClaim: 'sso.emailClaim', nameClaim: 'sso.nameClaim', roleClaim: 'sso.roleClaim', teamsClaim: 'sso.teamsClaim' },
  attribute: { emailClaim: 'sso.emailAttribute', nameClaim: 'sso.nameAttribute', roleClaim: 'sso.roleAttribute', teamsClaim: 'sso.teamsAttribute' }
} as const satisfies Record<string, Record<ClaimField, MessageKey>>
const CLAIM_HINTS: Partial<Record<ClaimField, MessageKey>> = { roleClaim: 'sso.roleClaimHint', teamsClaim: 'sso.teamsClaimHint' }

/** Which claims or attributes give the email, the name and (optionally) the role and teams of a new member. */
function ClaimFields({
  kind,
  mapping,
  errors,
  onEdited
}: {
  kind: 'claim' | 'attribute'
  mapping: ReturnType<typeof useClaimMapping>
  errors: Partial<Record<string, string>>
  onEdited(field: ClaimField): void
}): JSX.Element {
  const t = useT()
  const field = (name: ClaimField) => (
    <TextField
      key={name}
      label={t(CLAIM_LABELS[kind][name])}
      name={`sso-${kind}-${name}`}
      value={mapping.values[name]}
      spellCheck={false}
      hint={name === 'emailClaim' && kind === 'attribute' ? t('sso.emailAttributeHint') : CLAIM_HINTS[name] ? t(CLAIM_HINTS[name]) : undefined}
      error={errors[name]}
      onChange={(e) => {
        mapping.set(name, e.target.value)
        onEdited(name)
      }}
    />
  )
  return (
    <>
      <div className="settings-grid">{(['emailClaim', 'nameClaim'] as const).map(field)}</div>
      <div className="settings-grid">{(['roleClaim', 'teamsClaim'] as const).map(field)}</div>
    </>
  )
}

/** The domains typed in one field, separated by commas, semicolons or spaces. */
function splitDomains(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((d) => d.trim())
    .filter(Boolean)
}

/** A connection's form on its card: title, the refusal or "saved" banner, the fields, and Save and check. */
function ConnectionForm(props: {
  id: string
  title: string
  intro?: string
  formLabel: string
  banner: string | null
  saved: boolean
  busy: boolean
  submit: string
  onSubmit(): Promise<void>
  children: ReactNode
}): JSX.Element {
  const t = useT()
  return (
    <section className="settings-card" aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {props.intro ? <p className="muted">{props.intro}</p> : null}
      <form
        className="settings-form"
        aria-label={props.formLabel}
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          void props.onSubmit()
        }}
      >
        {props.banner ? <Banner tone="error">{props.banner}</Banner> : null}
        {props.saved ? <Banner tone="info">{t('sso.saved')}</Banner> : null}
        {props.children}
        <div>
          <button type="submit" className="button button-primary" disabled={props.busy}>
            {props.busy ? t('sso.checking') : props.submit}
          </button>
        </div>
      </form>
    </section>
  )
}

function ConfigureCard({ connection, onSaved }: { connection: SsoConnection | null; onSaved(): void }): JSX.Element {
  const t = useT()
  const presetId = useId()
  const [preset, setPreset] = useState<OidcPreset>(connection && connection.preset !== 'saml' ? connection.preset : 'oidc')
  const [issuer, setIssuer] = useState(connection?.issuer ?? '')
  const [clientId, setClientId] = useState(connection?.clientId ?? '')
  const [clientSecret, setClientSecret] = useState('')
  const [domains, setDomains] = useState(connection?.allowedDomains.join(', ') ?? '')
  const claims = useClaimMapping(connection, 'email')
  const [busy, setBusy] = useState(false)
  const [saved, setSaved] = useState(false)
  const form = useFormErrors(FIELDS, { aliases: ALIASES })
  const info = OIDC_PRESET_INFO[preset]

  async function save(): Promise<void> {
    setBusy(true)
    setSaved(false)
    const result = await getBridge().invoke('sso:save-oidc', {
      preset,
      issuer,
      clientId,
      ...(clientSecret ? { clientSecret } : {}),
      allowedDomains: splitDomains(domains),
      claims: claims.input
    })
    setBusy(false)
    if (!result.ok) return void form.refuse(result.error)
    form.clear()
    setClientSecret('')
    setSaved(true)
    onSaved()
  }

  const change = (field: (typeof FIELDS)[number], apply: () => void) => {
    apply()
    form.edited(field)
    setSaved(false)
  }
  return (
    <ConnectionForm
      id="sso-configure-title"
      title={t(connection ? 'sso.configureChange' : 'sso.configureTitle')}
      intro={t('sso.configureIntro')}
      formLabel={t('sso.configureTitle')}
      banner={form.banner}
      saved={saved}
      busy={busy}
      submit={t('sso.save')}
      onSubmit={save}
    >
        <div className="field">
          <label className="field-label" htmlFor={presetId}>
            {t('sso.provider')}
          </label>
          <select id={presetId} className="select" value={preset} onChange={(e) => change('preset', () => setPreset(e.target.value as OidcPreset))}>
            {OIDC_PRESETS.map((p) => (
              <option key={p} value={p}>
                {t(PRESET_LABELS[p])}
              </option>
            ))}
          </select>
        </div>
        <TextField
          label={t('sso.issuer')}
          name="sso-issuer"
          value={issuer}
          spellCheck={false}
          placeholder={info.issuerExample}
          hint={t(PRESET_HINTS[preset])}
          error={form.fields.issuer}
          onChange={(e) => change('issuer', () => setIssuer(e.target.value))}
        />
        <div className="settings-grid">
          <TextField label={t('sso.clientId')} name="sso-client-id" value={clientId} spellCheck={false} error={form.fields.clientId} onChange={(e) => change('clientId', () => setClientId(e.target.value))} />
          <TextField
            label={t('sso.clientSecret')}
            name="sso-client-secret"
            type="password"
            autoComplete="new-password"
            value={clientSecret}
            error={form.fields.clientSecret}
            hint={connection?.hasClientSecret ? t('sso.secretStored') : t(info.clientSecret === 'required' ? 'sso.secretRequired' : 'sso.secretOptional')}
            onChange={(e) => change('clientSecret', () => setClientSecret(e.target.value))}
          />
        </div>
        <TextField
          label={t('sso.domains')}
          name="sso-domains"
          value={domains}
          spellCheck={false}
          placeholder={t('sso.domainsPlaceholder')}
          hint={t('sso.domainsHint')}
          error={form.fields.allowedDomains}
          onChange={(e) => change('allowedDomains', () => setDomains(e.target.value))}
        />
        <ClaimFields kind="claim" mapping={claims} errors={form.fields} onEdited={(field) => change(field, () => {})} />
    </ConnectionForm>
  )
}

function TestCard({ connection, onFinished }: { connection: SsoConnection; onFinished(): void }): JSX.Element {
  const t = useT()
  const [testId, setTestId] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const report = useTestReport(testId, onFinished)
  async function start(): Promise<void> {
    setError(null)
    const result = await getBridge().invoke('sso:test-start', { slot: connection.slot })
    if (!result.ok) return setError(result.error.message)
    setTestId(result.value.testId)
    // The desktop app opens https links in the system browser; the web host in a new tab.
    window.open(result.value.authorizationUrl, '_blank', 'noopener')
  }
  return (
    <section className="settings-card" aria-labelledby="sso-test-title" data-testid="sso-test">
      <h2 id="sso-test-title">{t('sso.testTitle')}</h2>
      <p className="muted">{t('sso.testIntro')}</p>
      {error ? <Banner tone="error">{error}</Banner> : null}
      <div>
        <button type="button" className="button button-primary" onClick={() => void start()} disabled={report?.status === 'pending'}>
          {t('sso.testButton')}
        </button>
      </div>
      {report?.status === 'pending' ? <Spinner label={t('sso.testWaiting')} /> : null}
      {report && report.status !== 'pending' ? <TestReport report={report} /> : null}
    </section>
  )
}

function TestReport({ report }: { report: SsoTestReport }): JSX.Element {
  const t = useT()
  return (
    <div className="sso-report" data-testid="sso-report">
      <Banner tone={report.status === 'passed' ? 'info' : 'error'}>{t(report.status === 'passed' ? 'sso.reportPassed' : 'sso.reportFailed')}</Banner>
      <ul className="sso-checks" aria-label={t('sso.checks')}>
        {report.checks.map((check) => (
          <li key={check.id} className={check.ok ? 'sso-check-ok' : 'sso-check-failed'}>
            <Badge tone={check.ok ? 'green' : 'red'}>{t(check.ok ? 'sso.checkOk' : 'sso.checkFailed')}</Badge> <strong>{check.label}</strong>
            <div className="muted">{check.detail}</div>
          </li>
        ))}
      </ul>
      {report.person ? (
        <p data-testid="sso-person">
          <strong>{t('sso.mapsTo')}</strong> {report.person.outcome}
        </p>
      ) : null}
      {report.mapped ? (
        <dl className="settings-facts">
          <dt>{t('sso.mappedEmail')}</dt>
          <dd>{report.mapped.email ?? '—'}</dd>
          <dt>{t('sso.mappedName')}</dt>
          <dd>{report.mapped.name ?? '—'}</dd>
          <dt>{t('sso.mappedRole')}</dt>
          <dd data-testid="sso-mapped-role">{report.mapped.role ? t(ROLE_KEYS[report.mapped.role]) : t('sso.mappedRoleDefault')}</dd>
          <dt>{t('sso.mappedTeams')}</dt>
          <dd data-testid="sso-mapped-teams">{report.mapped.teams.length > 0 ? report.mapped.teams.join(', ') : t('sso.mappedTeamsNone')}</dd>
        </dl>
      ) : null}
      {report.claims ? (
        <details>
          <summary>{t('sso.rawClaims')}</summary>
          <pre className="sso-claims" data-testid="sso-claims">
            {JSON.stringify(report.claims, null, 2)}
          </pre>
        </details>
      ) : null}
    </div>
  )
}

/** One choice among a few, as radio buttons under a legend. */
function Choices<V extends string>({ legend, name, value, onChange, options }: { legend: string; name: string; value: V; onChange(value: V): void; options: ReadonlyArray<readonly [V, string]> }): JSX.Element {
  return (
    <fieldset className="settings-radios">
      <legend>{legend}</legend>
      {options.map(([option, label]) => (
        <label key={option} className="checkbox">
          <input type="radio" name={name} checked={value === option} onChange={() => onChange(option)} />
          {label}
        </label>
      ))}
    </fieldset>
  )
}

function EnableCard({ status, connection, onChanged }: { status: SsoStatus; connection: SsoConnection; onChanged(): void }): JSX.Element {
  const t = useT()
  const current = status.active?.enabled
  const [mode, setMode] = useState<'offered' | 'enforced'>(current?.mode ?? 'offered')
  const [provisioning, setProvisioning] = useState<'jit' | 'pre'>(current?.provisioning ?? 'pre')
  const [defaultRole, setDefaultRole] = useState<'admin' | 'agent' | 'viewer'>(current?.defaultRole ?? 'agent')
  const [defaultTeamIds, setDefaultTeamIds] = useState<string[]>(current?.defaultTeams.map((team) => team.id) ?? [])
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const roleId = useId()
  const ready = connection.lastTest?.result === 'passed' && connection.lastTest.current
  async function enable(): Promise<void> {
    setBusy(true)
    const result = await getBridge().invoke('sso:enable', { mode, provisioning, defaultRole, defaultTeamIds: provisioning === 'jit' ? defaultTeamIds : [] })
    setBusy(false)
    if (!result.ok) return setError(result.error.message)
    setError(null)
    onChanged()
  }
  return (
    <section className="settings-card" aria-labelledby="sso-enable-title">
      <h2 id="sso-enable-title">{t(connection.slot === 'draft' && status.active?.enabled ? 'sso.swapTitle' : 'sso.enableTitle')}</h2>
      {error ? <Banner tone="error">{error}</Banner> : null}
      <Choices<'offered' | 'enforced'> legend={t('sso.modeLegend')} name="sso-mode" value={mode} onChange={setMode} options={[['offered', t('sso.modeOffered')], ['enforced', t('sso.modeEnforced')]]} />
      {mode === 'enforced' ? <p className="muted">{t('sso.ownerBreakGlass')}</p> : null}
      <Choices<'jit' | 'pre'>
        legend={t('sso.provisioningLegend')}
        name="sso-provisioning"
        value={provisioning}
        onChange={setProvisioning}
        options={[['pre', t('sso.provisioningPre')], ['jit', t('sso.provisioningJit')]]}
      />
      {provisioning === 'jit' ? (
        <div className="field">
          <label className="field-label" htmlFor={roleId}>
            {t('sso.defaultRole')}
          </label>
          <select id={roleId} className="select" value={defaultRole} onChange={(e) => setDefaultRole(e.target.value as 'admin' | 'agent' | 'viewer')}>
            {(['agent', 'viewer', 'admin'] as const).map((role) => (
              <option key={role} value={role}>
                {t(ROLE_KEYS[role])}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {provisioning === 'jit' ? <DefaultTeams value={defaultTeamIds} onChange={setDefaultTeamIds} /> : null}
      <div>
        <button type="button" className="button button-primary" disabled={!ready || busy} onClick={() => void enable()}>
          {t(current && connection.slot === 'active' ? 'sso.applyButton' : 'sso.enableButton')}
        </button>
        {ready ? null : <p className="muted">{t('sso.needsTest')}</p>}
      </div>
    </section>
  )
}

const TEAM_TOPICS = ['teams'] as const

/** The teams a just-in-time member joins: a list to pick several from (an account may have hundreds). */
function DefaultTeams({ value, onChange }: { value: string[]; onChange(ids: string[]): void }): JSX.Element {
  const t = useT()
  const id = useId()
  const { value: list, error } = useChannelRead('teams:list', {}, TEAM_TOPICS)
  const teams = list?.teams ?? []
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {t('sso.defaultTeams')}
      </label>
      {error ? <p className="field-error">{error}</p> : null}
      {list && teams.length === 0 ? (
        <p className="muted">{t('sso.defaultTeamsNone')}</p>
      ) : (
        <select
          id={id}
          className="select sso-teams"
          multiple
          size={Math.min(6, Math.max(3, teams.length))}
          value={value}
          onChange={(e) => onChange(Array.from(e.target.selectedOptions, (option) => option.value))}
        >
          {teams.map((team) => (
            <option key={team.id} value={team.id}>
              {team.name}
            </option>
          ))}
        </select>
      )}
      <p className="field-hint">{t('sso.defaultTeamsHint')}</p>
    </div>
  )
}
