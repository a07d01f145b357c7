import type { JSX, KeyboardEvent } from 'react'
import './tab-list.css'

/**
 * A row of tabs (WAI-ARIA tabs pattern, automatic activation): the arrow keys move to the previous
 * or next tab and select it, Home and End to the first and last. Each tab controls the panel with
 * id `${idPrefix}-panel-${id}`; the panel names itself by `${idPrefix}-tab-${id}`.
 */
export function TabList<T extends string>(props: { label: string; idPrefix: string; tabs: ReadonlyArray<{ id: T; label: string }>; current: T; onSelect(tab: T): void }): JSX.Element {
  const { idPrefix, tabs, current, onSelect } = props
  function onKeyDown(event: KeyboardEvent<HTMLButtonElement>, at: number): void {
    const to = { ArrowLeft: at - 1, ArrowRight: at + 1, Home: 0, End: tabs.length - 1 }[event.key]
    if (to === undefined) return
    event.preventDefault()
    const tab = tabs[(to + tabs.length) % tabs.length]!
    onSelect(tab.id)
    document.getElementById(`${idPrefix}-tab-${tab.id}`)?.focus()
  }
  return (
    <div className="tab-list" role="tablist" aria-label={props.label}>
      {tabs.map((tab, at) => {
        const selected = tab.id === current
        return (
          <button
            key={tab.id}
            type="button"
            role="tab"
            id={`${idPrefix}-tab-${tab.id}`}
            aria-selected={selected}
            aria-controls={`${idPrefix}-panel-${tab.id}`}
            tabIndex={selected ? 0 : -1}
            className={`tab${selected ? ' tab-selected' : ''}`}
            onClick={() => onSelect(tab.id)}
            onKeyDown={(event) => onKeyDown(event, at)}
          >
            {tab.label}
          </button>
        )
      })}
    </div>
  )
}
