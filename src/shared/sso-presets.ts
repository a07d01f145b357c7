/**
 * The identity providers Gatehouse knows by name (seed 002): what each one's issuer looks like, the
 * claims it sends, and whether its clients hold a secret. Shared by the core (which checks an
 * issuer against its preset before fetching anything) and the renderer (which shows the hints).
 * Every OpenID Connect provider not named here is the generic preset.
 */
export const OIDC_PRESETS = ['google', 'entra', 'okta', 'oidc'] as const
export type OidcPreset = (typeof OIDC_PRESETS)[number]

export interface OidcPresetInfo {
  label: string
  /** What the issuer field holds, in words (shown under the field). */
  issuerHelp: string
  /** An example issuer, for the field's placeholder. */
  issuerExample: string
  /** 'required': the provider refuses a client without one (Google, even for desktop apps). */
  clientSecret: 'required' | 'optional'
  scopes: readonly string[]
  /** The claims that carry the email address and the name, by default. */
  claims: { email: string; name: string }
}

export const OIDC_PRESET_INFO: Readonly<Record<OidcPreset, OidcPresetInfo>> = {
  google: {
    label: 'Google Workspace',
    issuerHelp: 'Always https://accounts.google.com.',
    issuerExample: 'https://accounts.google.com',
    clientSecret: 'required',
    scopes: ['openid', 'email', 'profile'],
    claims: { email: 'email', name: 'name' }
  },
  entra: {
    label: 'Microsoft Entra ID',
    issuerHelp: "Your tenant's own issuer, https://login.microsoftonline.com/<tenant ID>/v2.0, with the directory (tenant) ID from the Entra admin center; never the common endpoint.",
    issuerExample: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0',
    clientSecret: 'optional',
    scopes: ['openid', 'email', 'profile'],
    claims: { email: 'email', name: 'name' }
  },
  okta: {
    label: 'Okta',
    issuerHelp: 'Your Okta org URL (https://<your org>.okta.com) or a custom authorization server (https://<your org>.okta.com/oauth2/default).',
    issuerExample: 'https://example.okta.com/oauth2/default',
    clientSecret: 'optional',
    scopes: ['openid', 'email', 'profile'],
    claims: { email: 'email', name: 'name' }
  },
  oidc: {
    label: 'Other OpenID Connect provider',
    issuerHelp: 'The issuer URL your provider publishes (Keycloak: https://<host>/realms/<realm>; Auth0: https://<tenant>.auth0.com/).',
    issuerExample: 'https://id.example.com/realms/staff',
    clientSecret: 'optional',
    scopes: ['openid', 'email', 'profile'],
    claims: { email: 'email', name: 'name' }
  }
}

/** The path of the redirect URI a provider sends the browser back to (RFC 8252: any loopback port). */
export const SSO_CALLBACK_PATH = '/sso/callback'

/** What an administrator registers at the provider for the desktop app (RFC 8252 §7.3: the port is chosen per sign-in). */
export const DESKTOP_REDIRECT_URI = `http://127.0.0.1${SSO_CALLBACK_PATH}`

/** The path of the SAML assertion consumer service on the loopback listener. */
export const SSO_SAML_ACS_PATH = '/sso/saml/acs'
