import { useEffect, useId, useState, type JSX } from 'react'
import { getBridge } from '../../app/bridge'
import type { UserRow } from '../../../../shared/contract/users'
import { useT } from '../../i18n/i18n'

export interface Chosen {
  id: string
  label: string
}

/** Search the account's people (the core filters) and tick them; works the same over 100,000 users. */
export function MemberPicker(props: { label: string; chosen: Chosen[]; onChange(chosen: Chosen[]): void; exclude?: ReadonlySet<string> }): JSX.Element {
  const { label, chosen, onChange, exclude } = props
  const id = useId()
  const t = useT()
  const [search, setSearch] = useState('')
  const [found, setFound] = useState<UserRow[]>([])

  useEffect(() => {
    let current = true
    const timer = setTimeout(() => {
      void getBridge()
        .invoke('users:list', { search: search.trim() || undefined, sort: 'name', direction: 'asc', limit: 8 })
        .then((result) => {
          if (current && result.ok) setFound(result.value.rows)
        })
    }, 150)
    return () => {
      current = false
      clearTimeout(timer)
    }
  }, [search])

  const chosenIds = new Set(chosen.map((c) => c.id))
  const options = found.filter((row) => !exclude?.has(row.id))
  return (
    <div className="member-picker">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <input id={id} className="input" type="search" placeholder={t('memberPicker.placeholder')} value={search} onChange={(e) => setSearch(e.target.value)} autoComplete="off" />
      <ul className="member-options" aria-label={t('memberPicker.matching')}>
        {options.map((row) => (
          <li key={row.id}>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={chosenIds.has(row.id)}
                onChange={(e) =>
                  onChange(e.target.checked ? [...chosen, { id: row.id, label: row.name || row.email }] : chosen.filter((c) => c.id !== row.id))
                }
              />
              <span className="truncate">
                {row.name || row.email} <span className="muted">{row.email}</span>
              </span>
            </label>
          </li>
        ))}
        {options.length === 0 ? <li className="muted">{found.length > 0 ? t('memberPicker.allMembers') : t('memberPicker.nobody')}</li> : null}
      </ul>
      {chosen.length > 0 ? <p className="field-hint">{t('memberPicker.chosen', { names: chosen.map((c) => c.label).join(', ') })}</p> : null}
    </div>
  )
}
