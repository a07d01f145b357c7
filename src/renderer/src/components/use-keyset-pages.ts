import { useCallback, useEffect, useRef, useState } from 'react'
import type { Result } from '../../../shared/contract'

interface Page<Row, Cursor> {
  rows: Row[]
  next: Cursor | null
}

interface Loaded<Row, Cursor> extends Page<Row, Cursor> {
  /** Which query (key and reload count) these rows answer. */
  token: string
  error: string | null
}

export interface KeysetPages<Row> {
  rows: Row[]
  hasMore: boolean
  loading: 'first' | 'more' | null
  error: string | null
  /** Changes whenever a new first page arrives: the grid scrolls back to the top. */
  generation: string
  loadMore(): void
  reload(): void
}

/**
 * A keyset-paged list from the core: the first page whenever `key` (the filters) changes or
 * `reload()` is called, further pages on demand. Late answers to superseded queries are dropped.
 */
export function useKeysetPages<Row, Cursor>(key: string, fetchPage: (cursor?: Cursor) => Promise<Result<Page<Row, Cursor>>>): KeysetPages<Row> {
  const [version, setVersion] = useState(0)
  const [loaded, setLoaded] = useState<Loaded<Row, Cursor>>({ token: '', rows: [], next: null, error: null })
  const [loadingMore, setLoadingMore] = useState(false)
  const fetchRef = useRef(fetchPage)
  const latestToken = useRef('')
  const token = `${key}#${version}`

  useEffect(() => {
    fetchRef.current = fetchPage
  })

  useEffect(() => {
    latestToken.current = token
    void fetchRef.current().then((result) => {
      if (latestToken.current !== token) return
      setLoaded((current) =>
        result.ok
          ? { token, rows: result.value.rows, next: result.value.next, error: null }
          : { ...current, token, error: result.error.message }
      )
    })
  }, [token])

  const next = loaded.next
  const loadMore = useCallback(() => {
    if (next === null || loadingMore || loaded.token !== latestToken.current) return
    const at = latestToken.current
    setLoadingMore(true)
    void fetchRef.current(next).then((result) => {
      setLoadingMore(false)
      if (latestToken.current !== at) return
      setLoaded((current) =>
        result.ok
          ? { token: at, rows: [...current.rows, ...result.value.rows], next: result.value.next, error: null }
          : { ...current, error: result.error.message }
      )
    })
  }, [next, loadingMore, loaded.token])

  const reload = useCallback(() => setVersion((v) => v + 1), [])
  const first = loaded.token !== token
  return {
    rows: loaded.rows,
    hasMore: loaded.next !== null,
    loading: first ? 'first' : loadingMore ? 'more' : null,
    error: loaded.error,
    generation: loaded.token,
    loadMore,
    reload
  }
}
