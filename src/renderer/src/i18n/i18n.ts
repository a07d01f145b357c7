import { createIntl, createIntlCache, type IntlShape } from 'react-intl'
import type { ReactNode } from 'react'
import { create } from 'zustand'
import { LANGUAGES, type Language } from '../../../shared/contract/profile'
import { readPreference, writePreference } from '../app/preference-storage'
import { de } from './messages-de'
import { en, type MessageKey } from './messages-en'

export { LANGUAGES, type Language, type MessageKey }

// A misspelled id given to react-intl's own API fails typecheck too.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace FormatjsIntl {
    interface Message {
      ids: MessageKey
    }
  }
}

/** The one catalog: English is the source, every other language has every key (typechecked, and test/unit/renderer/catalog.test.ts checks the placeholders). */
export const CATALOG: Readonly<Record<Language, Readonly<Record<MessageKey, string>>>> = { en, de }

/** The locale each language formats with: en-GB for "1 Dec 2026" and "20,000"; de-DE for "1. Dez. 2026" and "20.000". */
export const LOCALES: Readonly<Record<Language, string>> = { en: 'en-GB', de: 'de-DE' }

/** Each language's name in itself, as a language menu shows it. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { en: 'English', de: 'Deutsch' }

export type MessageValues = Record<string, string | number | null | undefined>
export type RichValues = Record<string, ReactNode | ((chunks: ReactNode[]) => ReactNode)>

export interface Translate {
  (key: MessageKey, values?: MessageValues): string
  /** A message with markup or elements in it ("<b>{name}</b> joined"): React nodes. */
  rich(key: MessageKey, values: RichValues): ReactNode
  language: Language
  locale: string
}

const cache = createIntlCache()
const translators = new Map<Language, Translate>()

function intlOf(language: Language): IntlShape {
  return createIntl(
    {
      locale: LOCALES[language],
      defaultLocale: 'en-GB',
      messages: CATALOG[language],
      // A missing value or a broken message is a bug (the catalog test parses every message); say it, show what we can.
      onError: (error) => console.error(error.message)
    },
    cache
  )
}

/** The translate function of a language: stable per language, so it can be a hook dependency. */
export function translator(language: Language): Translate {
  let t = translators.get(language)
  if (!t) {
    const intl = intlOf(language)
    const format = ((key: MessageKey, values?: MessageValues) => intl.formatMessage({ id: key }, values as Record<string, string | number>)) as Translate
    format.rich = (key, values) => intl.formatMessage({ id: key }, values as Parameters<IntlShape['formatMessage']>[1]) as ReactNode
    format.language = language
    format.locale = LOCALES[language]
    t = format
    translators.set(language, t)
  }
  return t
}

const STORAGE_KEY = 'gatehouse.language'

/**
 * Before anyone signs in: the language last used on this device, else the browser's when it is
 * German, else English. Signed in, the person's own (their profile) replaces it.
 */
export function deviceLanguage(): Language {
  const stored = readPreference(STORAGE_KEY, LANGUAGES)
  if (stored) return stored
  const browser = typeof navigator === 'undefined' ? '' : (navigator.language ?? '')
  return browser.toLowerCase().startsWith('de') ? 'de' : 'en'
}

function applyLanguage(language: Language): void {
  if (typeof document !== 'undefined') document.documentElement.lang = language
}

interface LanguageState {
  language: Language
  setLanguage(language: Language): void
}

export const useLanguage = create<LanguageState>()((set) => ({
  language: deviceLanguage(),
  setLanguage(language) {
    writePreference(STORAGE_KEY, language)
    applyLanguage(language)
    set({ language })
  }
}))

applyLanguage(useLanguage.getState().language)

/** The current language's translate function, for code outside components (stores, formatters). */
export function t(key: MessageKey, values?: MessageValues): string {
  return translator(useLanguage.getState().language)(key, values)
}

/** The translate function of the language on screen; components re-render when it changes. */
export function useT(): Translate {
  return translator(useLanguage((s) => s.language))
}
