import { z } from 'zod'
import { OIDC_PRESETS } from '../sso-presets'
import { channel } from './define'
import { email, id } from './common'
import { sessionInfo } from './auth'

/** A claim's name in an ID token (email, name, preferred_username, …). */
const claimName = z
  .string()
  .trim()
  .min(1, 'Enter the name of a claim')
  .max(100, 'A claim name has at most 100 characters')
  .regex(/^[A-Za-z0-9_.:/-]+$/, 'A claim name holds letters, digits and _ . : / - only')

/** An email domain people may sign in from (example.com), lower-cased. */
const domain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253, 'A domain has at most 253 characters')
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'Enter a domain such as example.com (no @, no https://)')

/** Which claims (OIDC) or attributes (SAML) give the email, the name and, optionally, the role and teams of a new member. */
const claimMapping = z
  .object({ email: claimName, name: claimName, role: claimName.optional(), teams: claimName.optional() })
  .strict()

const scope = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'A scope is one word of printable characters')

export const oidcProvider = z.object({
  authorizationEndpoint: z.string(),
  tokenEndpoint: z.string(),
  jwksUri: z.string(),
  userinfoEndpoint: z.string().nullable(),
  signingAlgorithms: z.array(z.string())
})

export const ssoLastTest = z.object({
  testId: z.string(),
  at: z.number(),
  byName: z.string(),
  result: z.enum(['passed', 'failed']),
  /** The test ran against the configuration as it is now (enabling needs a passing current test). */
  current: z.boolean()
})

/** A trusted IdP signing certificate, as an administrator checks it. */
export const ssoCertificate = z.object({
  subject: z.string(),
  issuer: z.string(),
  fingerprint256: z.string(),
  validFrom: z.number(),
  validTo: z.number(),
  daysLeft: z.number().int(),
  /** Within a warning threshold (60 days or less), or expired: the core's thresholds (certificates.ts). */
  level: z.enum(['ok', 'warning', 'error'])
})
export type SsoCertificate = z.infer<typeof ssoCertificate>

export const samlIdp = z.object({
  ssoUrl: z.string(),
  certificates: z.array(ssoCertificate),
  /** Metadata read from a URL: where, when it was last fetched, and the last change a re-fetch found. */
  metadataUrl: z.string().nullable(),
  checkedAt: z.number().nullable(),
  lastChange: z.object({ at: z.number(), changes: z.array(z.string()) }).nullable()
})

export const ssoConnection = z.object({
  id: z.string(),
  slot: z.enum(['active', 'draft']),
  protocol: z.enum(['oidc', 'saml']),
  preset: z.enum([...OIDC_PRESETS, 'saml']),
  /** OIDC: the issuer; SAML: the IdP's entity ID. */
  issuer: z.string(),
  /** OIDC: the client ID; SAML: Gatehouse's SP entity ID. */
  clientId: z.string(),
  hasClientSecret: z.boolean(),
  scopes: z.array(z.string()),
  /** role / teams: null when not mapped (new members get the default role and teams). */
  claims: z.object({ email: z.string(), name: z.string(), role: z.string().nullable(), teams: z.string().nullable() }),
  allowedDomains: z.array(z.string()),
  /** OIDC only: the endpoints from the discovery document. */
  provider: oidcProvider.nullable(),
  /** SAML only: the IdP's SSO URL and trusted signing certificates. */
  saml: samlIdp.nullable(),
  /** Certificates within 60 days of expiry (warning) or all expired (error), said in words. */
  health: z.object({ level: z.enum(['ok', 'warning', 'error']), message: z.string().nullable() }),
  updatedAt: z.number(),
  updatedBy: z.string(),
  lastTest: ssoLastTest.nullable(),
  /** Set while people sign in with it (the active connection only). */
  enabled: z
    .object({
      at: z.number(),
      by: z.string(),
      mode: z.enum(['offered', 'enforced']),
      provisioning: z.enum(['jit', 'pre']),
      defaultRole: z.enum(['admin', 'agent', 'viewer']),
      /** The teams a just-in-time member joins (besides any the team claim names). */
      defaultTeams: z.array(z.object({ id: z.string(), name: z.string() }))
    })
    .nullable()
})
export type SsoConnection = z.infer<typeof ssoConnection>

export const ssoCheck = z.object({
  id: z.string(),
  label: z.string(),
  ok: z.boolean(),
  /** What was found, or why it failed, in words. */
  detail: z.string()
})
export type SsoCheck = z.infer<typeof ssoCheck>

/** Who a tested sign-in maps to in this account. */
export const ssoPerson = z.object({
  kind: z.enum(['member', 'invited', 'deactivated', 'unknown']),
  email: z.string(),
  name: z.string(),
  role: z.enum(['owner', 'admin', 'agent', 'viewer']).nullable(),
  /** In words: "Signs in as …", "Not a member: …". */
  outcome: z.string()
})

export const ssoTestReport = z.object({
  testId: z.string(),
  status: z.enum(['pending', 'passed', 'failed']),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  byName: z.string(),
  checks: z.array(ssoCheck),
  /** The ID token's claims as received (raw), when the exchange got that far. */
  claims: z.record(z.string(), z.unknown()).nullable(),
  /**
   * What the mapping reads from the claims: email and name; the role the role claim names (null:
   * none, the default role applies) and the account's teams the team claim names.
   */
  mapped: z
    .object({ email: z.string().nullable(), name: z.string().nullable(), role: z.enum(['admin', 'agent', 'viewer']).nullable(), teams: z.array(z.string()) })
    .nullable(),
  person: ssoPerson.nullable()
})
export type SsoTestReport = z.infer<typeof ssoTestReport>

export const ssoStatus = z.object({
  active: ssoConnection.nullable(),
  draft: ssoConnection.nullable(),
  /** What to register at the provider for the desktop app (any loopback port, RFC 8252 §7.3). */
  redirectUri: z.string(),
  /**
   * Read through the web host: its own callback route, where the provider sends this browser back
   * (the same any-port loopback registration covers it). Null in the desktop app.
   */
  webRedirectUri: z.string().nullable(),
  /** What to give a SAML IdP: Gatehouse's SP entity ID, ACS URL and metadata XML. */
  samlServiceProvider: z.object({ entityId: z.string(), acsUrl: z.string(), metadataXml: z.string() })
})
export type SsoStatus = z.infer<typeof ssoStatus>

/** Single sign-on: configure, test, (next) enable. Owner and Admin configure; Viewer sees the status. */
export const ssoChannels = {
  'sso:status': channel({
    input: z.object({}).strict().optional(),
    output: ssoStatus,
    access: 'users:read',
    mutates: false
  }),
  /**
   * Save the OpenID Connect connection being prepared (the draft; the active one, if any, keeps
   * working). The provider's discovery document is fetched and checked before anything is saved.
   * An omitted client secret keeps the stored one; '' removes it.
   */
  'sso:save-oidc': channel({
    input: z
      .object({
        preset: z.enum(OIDC_PRESETS),
        issuer: z.string().trim().min(1, 'Enter the issuer URL').max(500, 'An issuer URL has at most 500 characters'),
        clientId: z.string().trim().min(1, 'Enter the client ID').max(300, 'A client ID has at most 300 characters'),
        clientSecret: z.string().max(1000, 'A client secret has at most 1000 characters').optional(),
        scopes: z.array(scope).max(20).optional(),
        claims: claimMapping.optional(),
        allowedDomains: z.array(domain).min(1, 'Allow at least one email domain').max(50, 'At most 50 domains')
      })
      .strict(),
    output: ssoConnection,
    access: 'sso:manage',
    mutates: true,
    invalidates: ['sso', 'audit']
  }),
  /**
   * Save a custom SAML 2.0 connection as the draft: from the IdP's metadata XML (a file's text), or
   * entered by hand (entity ID, SSO URL, signing certificates as PEM: more than one may be trusted
   * at once, current and next). The XML is read safely: any DOCTYPE or entity is refused unread.
   */
  'sso:save-saml': channel({
    input: z
      .object({
        metadataXml: z.string().max(512 * 1024, 'The metadata file is larger than 512 KB').optional(),
        /** The IdP's metadata URL (https): fetched now, then again every hour and on demand. */
        metadataUrl: z.string().trim().min(1, 'Enter the metadata URL').max(2000, 'A metadata URL has at most 2000 characters').optional(),
        manual: z
          .object({
            entityId: z.string().trim().min(1, "Enter the IdP's entity ID").max(500),
            ssoUrl: z.string().trim().url('Enter the SSO URL, https://…').max(1000),
            certificates: z.array(z.string().max(20_000)).min(1, 'Add at least one signing certificate').max(5, 'At most 5 certificates')
          })
          .strict()
          .optional(),
        claims: claimMapping.optional(),
        allowedDomains: z.array(domain).min(1, 'Allow at least one email domain').max(50, 'At most 50 domains')
      })
      .strict()
      .refine((v) => [v.metadataXml, v.metadataUrl, v.manual].filter((x) => x !== undefined).length === 1, {
        message: "Give the IdP's metadata (its XML or its URL), or the settings entered by hand: one of them",
        path: ['metadataXml']
      }),
    output: ssoConnection,
    access: 'sso:manage',
    mutates: true,
    invalidates: ['sso', 'audit']
  }),
  /**
   * Start a test sign-in of the draft (or, without one, the active connection): the core opens a
   * one-shot loopback listener for the provider's redirect and returns the URL to open in the
   * browser. Nothing is created: the result is a report (sso:test-result), kept and audited.
   */
  'sso:test-start': channel({
    input: z.object({ slot: z.enum(['active', 'draft']).optional() }).strict().optional(),
    output: z.object({ testId: z.string(), authorizationUrl: z.string(), redirectUri: z.string(), expiresAt: z.number() }),
    access: 'sso:manage',
    mutates: false
  }),
  /**
   * Fetch a SAML connection's metadata again from its URL now (the core also does so every hour):
   * what changed (certificates trusted or dropped, SSO URL, entity ID) in words, applied and
   * audited; nothing when nothing changed. A change needs a new test before enabling again.
   */
  'sso:refresh-metadata': channel({
    input: z.object({ slot: z.enum(['active', 'draft']) }).strict(),
    output: z.object({ changes: z.array(z.string()), connection: ssoConnection }),
    access: 'sso:manage',
    mutates: true,
    invalidates: ['sso', 'audit']
  }),
  /**
   * Turn single sign-on on with the tested connection (the draft, which replaces the active one;
   * or the active one itself, to change how it is used). Needs a passing test of the configuration
   * as it is now. Enforced: everyone but the Owner signs in with SSO (the Owner keeps a password).
   */
  'sso:enable': channel({
    input: z
      .object({
        mode: z.enum(['offered', 'enforced']),
        provisioning: z.enum(['jit', 'pre']),
        defaultRole: z.enum(['admin', 'agent', 'viewer']).default('agent'),
        defaultTeamIds: z.array(id).max(50, 'At most 50 default teams').default([])
      })
      .strict(),
    output: ssoStatus,
    access: 'sso:manage',
    mutates: true,
    invalidates: ['sso', 'audit']
  }),
  /** Turn single sign-on off: passwords work again for everyone who has one (the connection is kept). */
  'sso:disable': channel({
    input: z.object({}).strict().optional(),
    output: ssoStatus,
    access: 'sso:manage',
    mutates: true,
    invalidates: ['sso', 'audit']
  }),
  /**
   * Sign in with SSO: the email first, then the account's provider in the browser (the core opens
   * a one-shot loopback listener for its redirect). The connection's window learns the outcome
   * from sso:sign-in-result (and a session:changed event when it is signed in).
   */
  'sso:sign-in-start': channel({
    input: z.object({ email }).strict(),
    output: z.object({ flowId: z.string(), authorizationUrl: z.string(), provider: z.string(), expiresAt: z.number() }),
    access: 'public',
    mutates: false
  }),
  'sso:sign-in-result': channel({
    input: z.object({ flowId: id }).strict(),
    output: z.object({ status: z.enum(['pending', 'signed-in', 'refused']), message: z.string().nullable(), session: sessionInfo.nullable() }),
    access: 'public',
    mutates: false
  }),
  /** A test sign-in's report: pending until the provider's redirect arrives (or the test expires). */
  /**
   * The provider's answer as it reached the web host's own callback route (the browser tab's
   * redirect, or the IdP's POSTed form): handed to the flow waiting for it, checked there.
   * Public because the browser comes back from the provider without the console's cookie; only
   * a flow's own random state (OIDC) or RelayState (SAML) finds it, once.
   */
  'sso:provider-answer': channel({
    input: z
      .object({
        url: z.string().max(16 * 1024, 'The callback address is longer than 16 KB'),
        form: z.string().max(1024 * 1024, 'The posted answer is larger than 1 MB').optional()
      })
      .strict(),
    output: z.object({ ok: z.boolean(), message: z.string() }),
    access: 'public',
    mutates: false
  }),
  'sso:test-result': channel({
    input: z.object({ testId: id }).strict(),
    output: ssoTestReport,
    access: 'sso:manage',
    mutates: false
  })
} as const
