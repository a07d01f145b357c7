import { useEffect, useState, type JSX } from 'react'
import { AuthCard } from '../../components/auth-card'
import { Banner } from '../../components/banner'
import { TextField } from '../../components/field'
import { useFormErrors } from '../../app/field-errors'
import { enterAppFromLink, leaveLinkRoute, tokenInHash } from '../../app/link-route'
import { useSession } from '../../app/session-store'
import type { OutputOf, Result } from '../../../../shared/contract'
import { useT } from '../../i18n/i18n'

const LINK_FIELDS = ['token'] as const

/**
 * The first step of a screen a link opens (an invitation, a password reset): the link pasted, or
 * taken from the address the deep link opened, looked up before anything is asked.
 */
export function useLinkLookup<T>(route: string, lookup: (token: string) => Promise<Result<T>>, notFound: string, onFound?: (found: T) => void) {
  const [link, setLink] = useState(() => tokenInHash(route))
  const [found, setFound] = useState<T | null>(null)
  const [token, setToken] = useState('')
  const form = useFormErrors(LINK_FIELDS)

  function show(value: string, result: Result<T>): void {
    setFound(null)
    if (!result.ok) {
      if (result.error.code === 'NOT_FOUND') form.set({ token: notFound })
      else form.refuse(result.error)
      return
    }
    form.clear()
    setToken(value)
    setFound(result.value)
    onFound?.(result.value)
  }

  const inspect = (value: string): Promise<void> => lookup(value).then((result) => show(value, result))

  // The deep link carries the token: look it up at once (only the address the screen opened with).
  useEffect(() => {
    const initial = tokenInHash(route)
    if (initial) void inspect(initial)
    // Once, on opening: show only sets this screen's state.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  return { link, setLink, found, token, form, inspect }
}

/**
 * The second step: the form whose call signs this window in (accepting an invitation, choosing a
 * new password). Its refusals go beside the form's fields; on success the app opens.
 */
export function useLinkSignIn<F extends string>(fields: readonly F[]) {
  const signedIn = useSession((s) => s.signedIn)
  const errors = useFormErrors(fields)
  const [busy, setBusy] = useState(false)
  async function submit(call: () => Promise<Result<OutputOf<'auth:sign-in'>>>): Promise<void> {
    if (busy) return
    setBusy(true)
    const result = await call()
    setBusy(false)
    if (!result.ok) {
      errors.refuse(result.error)
      return
    }
    errors.clear()
    enterAppFromLink()
    signedIn(result.value)
  }
  return { ...errors, busy, submit }
}

export function BackToSignIn(): JSX.Element {
  const t = useT()
  return (
    <a className="auth-link" href="#/" onClick={leaveLinkRoute}>
      {t('link.back')}
    </a>
  )
}

/** The card asking for the link, with why a found link cannot be used (`warning`). */
export function LinkLookupCard<T>(props: {
  lookup: ReturnType<typeof useLinkLookup<T>>
  title: string
  subtitle: string
  formLabel: string
  label: string
  name: string
  placeholder: string
  warning: string | null
}): JSX.Element {
  const { lookup, title, subtitle, formLabel, label, name, placeholder, warning } = props
  const { link, setLink, form, inspect } = lookup
  const t = useT()
  return (
    <AuthCard title={title} subtitle={subtitle}>
      <form
        className="auth-form"
        aria-label={formLabel}
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          void inspect(link)
        }}
      >
        {form.banner ? <Banner tone="error">{form.banner}</Banner> : null}
        {warning ? <Banner tone="warning">{warning}</Banner> : null}
        <TextField
          label={label}
          name={name}
          value={link}
          onChange={(e) => {
            setLink(e.target.value)
            form.edited('token')
          }}
          error={form.fields.token}
          placeholder={placeholder}
          autoFocus
          spellCheck={false}
          autoComplete="off"
        />
        <button type="submit" className="button button-primary button-block" disabled={!link.trim()}>
          {t('link.continue')}
        </button>
        <BackToSignIn />
      </form>
    </AuthCard>
  )
}
