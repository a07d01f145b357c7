import type { Language, Theme } from '../../../shared/contract/profile'
import type { Executor } from '../store/port'
import { one, run, sql } from '../store/sql'

/** The SQL of personal settings (names and pictures are written through users/members-repository). */

export interface ProfilePerson {
  name: string
  email: string
  avatar: string | null
  theme: Theme
  language: Language
}

export async function findProfilePerson(q: Executor, personId: string): Promise<ProfilePerson | undefined> {
  return one(q, sql<ProfilePerson>`SELECT name, email, avatar, theme, language FROM persons WHERE person_id = ${personId}`)
}

export async function setPersonTheme(q: Executor, personId: string, theme: Theme): Promise<void> {
  await run(q, sql`UPDATE persons SET theme = ${theme} WHERE person_id = ${personId}`)
}

export async function setPersonLanguage(q: Executor, personId: string, language: Language): Promise<void> {
  await run(q, sql`UPDATE persons SET language = ${language} WHERE person_id = ${personId}`)
}
