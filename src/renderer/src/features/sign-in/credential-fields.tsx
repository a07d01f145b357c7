import type { JSX, RefObject } from 'react'
import { TextField } from '../../components/field'
import type { FieldErrors } from '../../app/field-errors'
import { useT } from '../../i18n/i18n'

interface CredentialFieldsProps {
  email: string
  password: string
  onEmail: (value: string) => void
  onPassword: (value: string) => void
  errors: FieldErrors<'email' | 'password'>
  passwordRef: RefObject<HTMLInputElement | null>
}

/** Email and password, as every sign-in form (member or support agent) asks for them. */
export function CredentialFields({ email, password, onEmail, onPassword, errors, passwordRef }: CredentialFieldsProps): JSX.Element {
  const t = useT()
  return (
    <>
      <TextField
        label={t('signIn.email')}
        name="email"
        type="email"
        autoComplete="username"
        value={email}
        onChange={(e) => onEmail(e.target.value)}
        error={errors.email}
        required
        autoFocus
      />
      <TextField
        label={t('signIn.password')}
        name="password"
        type="password"
        ref={passwordRef}
        autoComplete="current-password"
        value={password}
        onChange={(e) => onPassword(e.target.value)}
        error={errors.password}
        required
      />
    </>
  )
}
