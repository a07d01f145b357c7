import { useEffect, useState, type JSX } from 'react'
import { SearchIcon } from './icons'
import './search-box.css'

const SEARCH_DEBOUNCE_MS = 200

/**
 * A search field that reports its text (trimmed) a moment after typing stops; Escape clears it.
 * Follows `value` when the owner changes it ("Clear filters").
 */
export function SearchBox(props: { id: string; label: string; placeholder: string; value: string; onSearch(search: string): void }): JSX.Element {
  const { value, onSearch } = props
  const [text, setText] = useState(value)
  const [seen, setSeen] = useState(value)
  // The store can clear the search ("Clear filters"); follow it without an effect.
  if (seen !== value) {
    setSeen(value)
    setText(value)
  }
  useEffect(() => {
    const timer = setTimeout(() => onSearch(text.trim()), SEARCH_DEBOUNCE_MS)
    return () => clearTimeout(timer)
  }, [text, onSearch])
  return (
    <div className="search">
      <SearchIcon />
      <label className="visually-hidden" htmlFor={props.id}>
        {props.label}
      </label>
      <input
        id={props.id}
        className="input search-input"
        type="search"
        placeholder={props.placeholder}
        autoComplete="off"
        spellCheck={false}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && text) {
            e.preventDefault()
            setText('')
          }
        }}
      />
    </div>
  )
}
