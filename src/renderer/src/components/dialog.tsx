import { useEffect, useId, useRef, type FormEvent, type JSX, type ReactNode } from 'react'
import { Banner } from './banner'
import { useT } from '../i18n/i18n'
import './dialog.css'

interface DialogProps {
  title: string
  /** Called on Escape, the close button and Cancel; the dialog never closes itself. */
  onClose(): void
  children: ReactNode
  footer?: ReactNode
  size?: 'sm' | 'md' | 'lg'
  /** Rendered as a <form>: Enter submits. */
  onSubmit?(): void
  describedBy?: string
}

/**
 * A real modal: the native <dialog> with showModal() makes the rest of the page inert (focus stays
 * inside) and turns Escape into a cancel we route to onClose.
 */
export function Dialog({ title, onClose, children, footer, size = 'md', onSubmit, describedBy }: DialogProps): JSX.Element {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  const latestClose = useRef(onClose)
  useEffect(() => {
    latestClose.current = onClose
  })
  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    if (!dialog.open) dialog.showModal()
    const cancel = (event: Event): void => {
      // Not cancelable (a second Escape with no user activation in between): the dialog shuts itself
      // and 'close' below tells the owner.
      if (!event.cancelable) return
      event.preventDefault()
      latestClose.current()
    }
    const closed = (): void => latestClose.current()
    dialog.addEventListener('cancel', cancel)
    dialog.addEventListener('close', closed)
    return () => {
      dialog.removeEventListener('cancel', cancel)
      dialog.removeEventListener('close', closed)
      if (dialog.open) dialog.close()
    }
  }, [])

  const body = (
    <>
      <header className="dialog-header">
        <h2 id={titleId}>{title}</h2>
      </header>
      <div className="dialog-body">{children}</div>
      {footer ? <footer className="dialog-footer">{footer}</footer> : null}
    </>
  )
  return (
    <dialog ref={ref} className={`dialog dialog-${size}`} aria-labelledby={titleId} aria-describedby={describedBy}>
      {onSubmit ? (
        <form
          className="dialog-form"
          noValidate
          onSubmit={(event: FormEvent) => {
            event.preventDefault()
            onSubmit()
          }}
        >
          {body}
        </form>
      ) : (
        <div className="dialog-form">{body}</div>
      )}
    </dialog>
  )
}

interface ConfirmDialogProps {
  title: string
  children: ReactNode
  confirmLabel: string
  tone?: 'primary' | 'danger'
  busy?: boolean
  /** The core's refusal, shown inside the dialog so the person can cancel or retry. */
  error?: string | null
  onConfirm(): void
  onCancel(): void
  /** Extra form content (e.g. a password to re-enter). */
  extra?: ReactNode
  confirmDisabled?: boolean
}

/** Every destructive or far-reaching action asks here first; Escape and Cancel do nothing. */
export function ConfirmDialog(props: ConfirmDialogProps): JSX.Element {
  const { title, children, confirmLabel, tone = 'primary', busy, error, onConfirm, onCancel, extra, confirmDisabled } = props
  const messageId = useId()
  const t = useT()
  return (
    <Dialog
      title={title}
      size="sm"
      onClose={onCancel}
      onSubmit={() => {
        if (!busy && !confirmDisabled) onConfirm()
      }}
      describedBy={messageId}
      footer={
        <>
          <button type="button" className="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
          <button type="submit" className={`button ${tone === 'danger' ? 'button-danger' : 'button-primary'}`} disabled={busy || confirmDisabled}>
            {busy ? t('dialog.working') : confirmLabel}
          </button>
        </>
      }
    >
      <div id={messageId} className="dialog-message">
        {children}
      </div>
      {extra}
      {error ? <Banner tone="error">{error}</Banner> : null}
    </Dialog>
  )
}
