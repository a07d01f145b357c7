import type { Migration } from './types'

/**
 * The language of the console's words for each person (Personal settings), stored with the person so
 * it follows them to another machine and to the web host, as the theme does. English by default.
 * (0013 is taken by the users search work on another branch.)
 */
export const migration0014: Migration = {
  version: 14,
  name: 'person-language',
  sqlite: `
    ALTER TABLE persons ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'de'));
  `,
  postgres: `
    ALTER TABLE persons ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'de'));
  `
}
