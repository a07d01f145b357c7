import { useState, type JSX } from 'react'
import { TextField } from './field'
import { resizeAvatar } from './image-resize'
import { useT } from '../i18n/i18n'

interface NameAndPictureFormProps {
  className: string
  name: string
  hasPicture: boolean
  /** Sends the change to the core; `message` is what to say once it is saved. */
  save: (change: { name?: string; avatar?: string | null }, message: string) => Promise<unknown>
  onError: (message: string) => void
  /** The core's refusal of the name or the picture, shown beside it. */
  errors?: { name?: string; avatar?: string }
  /** The person changed the name (its refusal no longer applies). */
  onEdit?: () => void
}

/** A person's name and picture, edited the same way in Personal settings and in the user panel. */
export function NameAndPictureForm({ className, name: saved, hasPicture, save, onError, errors = {}, onEdit }: NameAndPictureFormProps): JSX.Element {
  const [name, setName] = useState(saved)
  const t = useT()
  // A new saved name (after a save, or from another window) replaces the draft.
  const [shown, setShown] = useState(saved)
  if (shown !== saved) {
    setShown(saved)
    setName(saved)
  }

  async function pickPicture(file: File | undefined): Promise<void> {
    if (!file) return
    try {
      // Resized in a canvas to at most 128 px before it is sent: the core keeps it as a data URL.
      await save({ avatar: await resizeAvatar(file) }, t('picture.updated'))
    } catch (err) {
      onError(err instanceof Error ? err.message : String(err))
    }
  }

  return (
    <form
      className={className}
      onSubmit={(e) => {
        e.preventDefault()
        void save({ name }, t('name.saved'))
      }}
    >
      <TextField
        label={t('name.label')}
        name="name"
        autoComplete="name"
        value={name}
        onChange={(e) => {
          setName(e.target.value)
          onEdit?.()
        }}
        error={errors.name}
      />
      <div className="panel-row">
        <button type="submit" className="button button-sm" disabled={!name.trim() || name.trim() === saved}>
          {t('name.save')}
        </button>
        <label className="button button-sm file-button">
          {t('picture.upload')}
          <input type="file" accept="image/*" className="visually-hidden" onChange={(e) => void pickPicture(e.target.files?.[0])} />
        </label>
        {hasPicture ? (
          <button type="button" className="button button-sm button-ghost" onClick={() => void save({ avatar: null }, t('picture.removed'))}>
            {t('picture.remove')}
          </button>
        ) : null}
      </div>
      {errors.avatar ? <p className="field-error">{errors.avatar}</p> : null}
    </form>
  )
}
