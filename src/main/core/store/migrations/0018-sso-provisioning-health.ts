import type { Migration } from './types'

/**
 * Single sign-on, continued:
 * - `login_events.provider`: which identity provider an SSO sign-in went through (its label, e.g.
 *   "Okta"), so login history can filter and show it; null for every other method.
 * - `sso_connections.default_teams`: the teams (JSON array of team ids) a just-in-time member joins,
 *   chosen when SSO is turned on.
 * - `sso_connections.keys_*`: the provider's published keys as last fetched by the core's hourly check
 *   (OIDC: its key set at jwks_uri; SAML: its metadata at the URL it was read from): when they were
 *   checked, and since when and why they cannot be fetched (null while they can), so the screen, the
 *   navigation mark and the audit log say so.
 * - `sso_connections.metadata_change`: SAML metadata read from a URL, its last change found by a
 *   re-fetch (JSON: when, and what changed in words), shown on the screen.
 */
function schema(time: 'INTEGER' | 'BIGINT'): string {
  return `
    ALTER TABLE login_events ADD COLUMN provider TEXT;
    ALTER TABLE sso_connections ADD COLUMN default_teams TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE sso_connections ADD COLUMN keys_checked_at ${time};
    ALTER TABLE sso_connections ADD COLUMN keys_failing_since ${time};
    ALTER TABLE sso_connections ADD COLUMN keys_error TEXT;
    ALTER TABLE sso_connections ADD COLUMN metadata_change TEXT;
  `
}

export const migration0018: Migration = {
  version: 18,
  name: 'sso-provisioning-health',
  sqlite: schema('INTEGER'),
  postgres: schema('BIGINT')
}
