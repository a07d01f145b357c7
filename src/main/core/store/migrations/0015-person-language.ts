import type { Migration } from './types'

/**
 * The language of the console's words for each person (Personal settings), stored with the person so
 * it follows them to another machine and to the web host, as the theme does. English by default.
 */
export const migration0015: Migration = {
  version: 15,
  name: 'person-language',
  sqlite: `
    ALTER TABLE persons ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'de'));
  `,
  postgres: `
    ALTER TABLE persons ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'de'));
  `
}
