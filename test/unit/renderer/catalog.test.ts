import { describe, expect, it, vi } from 'vitest'
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser'

// The renderer is another TypeScript project (tsconfig.web.json): load its modules at run time, typed here.
type Catalog = Record<'en' | 'de', Record<string, string>>
interface I18n {
  CATALOG: Catalog
  useLanguage: { getState(): { language: 'en' | 'de'; setLanguage(language: 'en' | 'de'): void } }
  t(key: string, values?: Record<string, unknown>): string
  translator(language: 'en' | 'de'): (key: string, values?: Record<string, unknown>) => string
  deviceLanguage(): 'en' | 'de'
}
interface Format {
  formatDateTime(ms: number, options?: { zone?: boolean; timeZone?: string }): string
  formatCount(n: number): string
  formatRelative(ms: number, now?: number): string
}
const I18N = '../../../src/renderer/src/i18n/i18n'
const FORMAT = '../../../src/renderer/src/components/format'
const { CATALOG, useLanguage, t, translator, deviceLanguage } = (await import(/* @vite-ignore */ I18N)) as I18n
const { formatDateTime, formatCount, formatRelative } = (await import(/* @vite-ignore */ FORMAT)) as Format

/** Every value a message takes, with what it is used as ("count:plural", "name:argument", "code:tag"). */
function placeholders(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const element of elements) {
    switch (element.type) {
      case TYPE.argument:
        into.add(`${element.value}:argument`)
        break
      case TYPE.number:
      case TYPE.date:
      case TYPE.time:
        into.add(`${element.value}:${TYPE[element.type]}`)
        break
      case TYPE.plural:
      case TYPE.select:
        into.add(`${element.value}:${element.type === TYPE.plural ? 'plural' : 'select'}`)
        for (const option of Object.values(element.options)) placeholders(option.value, into)
        break
      case TYPE.tag:
        into.add(`${element.value}:tag`)
        placeholders(element.children, into)
        break
      default:
        break
    }
  }
  return into
}

/** The option keys of each plural and select ("count:one,other"). */
function branches(elements: MessageFormatElement[], into: string[] = []): string[] {
  for (const element of elements) {
    if (element.type === TYPE.plural || element.type === TYPE.select) {
      into.push(`${element.value}:${Object.keys(element.options).sort().join(',')}`)
      for (const option of Object.values(element.options)) branches(option.value, into)
    } else if (element.type === TYPE.tag) branches(element.children, into)
  }
  return into
}

const sample = (names: Set<string>): Record<string, unknown> =>
  Object.fromEntries([...names].map((p) => {
    const [name, kind] = p.split(':') as [string, string]
    return [name, kind === 'plural' ? 2 : kind === 'select' ? 'other' : kind === 'tag' ? (chunks: unknown[]) => chunks.join('') : 'x']
  }))

describe('the message catalog', () => {
  const keys = Object.keys(CATALOG.en)

  it('has German for every English key, and nothing else', () => {
    expect(keys.length).toBeGreaterThan(400)
    expect(Object.keys(CATALOG.de).sort()).toEqual([...keys].sort())
    for (const key of keys) expect(CATALOG.de[key]?.trim(), key).not.toBe('')
  })

  it('gives each German message the placeholders, plurals and tags of its English one', () => {
    for (const key of keys) {
      const en = parse(CATALOG.en[key]!)
      const de = parse(CATALOG.de[key]!)
      expect([...placeholders(de)].sort(), key).toEqual([...placeholders(en)].sort())
      // The same select keys; a plural may add the forms its language needs, never drop "other".
      const enBranches = branches(en)
      const deBranches = branches(de)
      expect(deBranches.length, key).toBe(enBranches.length)
      for (const branch of deBranches) expect(branch, key).toMatch(/(^|,|:)other(,|$)/)
    }
  })

  it('formats every message in both languages without an error', () => {
    // The catalog's own translate functions report a broken message or a missing value on the console.
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    try {
      for (const language of ['en', 'de'] as const) {
        const translate = translator(language)
        for (const key of keys) {
          const text: unknown = translate(key, sample(placeholders(parse(CATALOG.en[key]!))))
          expect(typeof text === 'string' ? text : [text].flat().join(''), key).not.toMatch(/\{|\}/)
        }
      }
      expect(errors.mock.calls).toEqual([])
    } finally {
      errors.mockRestore()
    }
  })

  it('words counts with the plural of each language and its grouping', () => {
    useLanguage.getState().setLanguage('en')
    expect(t('users.count', { count: 1 })).toBe('1 user')
    expect(t('users.count', { count: 2 })).toBe('2 users')
    expect(t('users.count', { count: 20_000 })).toBe('20,000 users')
    expect(t('teams.members', { count: 1 })).toBe('1 member')
    expect(t('password.changed', { count: 1 })).toBe('Password changed. 1 other session was signed out.')
    useLanguage.getState().setLanguage('de')
    try {
      expect(t('users.count', { count: 20_000 })).toBe('20.000 Benutzer')
      expect(t('teams.members', { count: 1 })).toBe('1 Mitglied')
      expect(t('teams.members', { count: 3 })).toBe('3 Mitglieder')
      expect(t('password.changed', { count: 2 })).toBe('Passwort geändert. 2 andere Sitzungen wurden abgemeldet.')
      expect(t('users.empty.search', { who: t('users.noun.users'), search: 'zz' })).toBe('Keine Benutzer passen zu „zz“')
    } finally {
      useLanguage.getState().setLanguage('en')
    }
    // English keeps the wording the existing screens and their tests know, quotes included.
    expect(t('users.empty.search', { who: t('users.noun.users'), search: 'zz' })).toBe("No users match 'zz'")
  })

  it('is English on a device that has not chosen, in Node as in a browser without German', () => {
    expect(deviceLanguage()).toBe('en')
  })
})

describe('numbers and dates in the language on screen', () => {
  const at = (y: number, mo: number, d: number, h: number, mi: number) => Date.UTC(y, mo - 1, d, h, mi)

  it('German: "1. Dez. 2026, 14:05 MEZ", grouped with dots, relative times in German', () => {
    useLanguage.getState().setLanguage('de')
    try {
      expect(formatDateTime(at(2026, 12, 1, 13, 5), { zone: true, timeZone: 'Europe/Berlin' })).toBe('1. Dez. 2026, 14:05 MEZ')
      expect(formatDateTime(at(2026, 7, 14, 8, 30), { zone: true, timeZone: 'Europe/Berlin' })).toBe('14. Juli 2026, 10:30 MESZ')
      expect(formatDateTime(at(2026, 3, 3, 0, 0), { timeZone: 'UTC' })).toBe('3. März 2026, 00:00')
      // One shape for every month.
      for (let month = 1; month <= 12; month++) expect(formatDateTime(at(2027, month, 9, 12, 0), { timeZone: 'UTC' })).toMatch(/^9\. \p{Lu}\p{Ll}{2,3}\.? 2027, 12:00$/u)
      expect(formatCount(20_000)).toBe('20.000')
      expect(formatRelative(Date.now() - 3 * 60_000)).toBe('vor 3 Minuten')
      expect(formatRelative(Date.now())).toBe('gerade eben')
    } finally {
      useLanguage.getState().setLanguage('en')
    }
    expect(formatDateTime(at(2026, 12, 1, 13, 5), { zone: true, timeZone: 'Europe/Berlin' })).toBe('1 Dec 2026, 14:05 CET')
    expect(formatCount(20_000)).toBe('20,000')
  })
})
