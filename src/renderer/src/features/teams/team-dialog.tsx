import { useState, type JSX } from 'react'
import { Dialog } from '../../components/dialog'
import { Banner } from '../../components/banner'
import { TextField } from '../../components/field'
import { getBridge } from '../../app/bridge'
import { useFormErrors } from '../../app/field-errors'
import type { TeamDto } from '../../../../shared/contract/teams'
import { MemberPicker } from './member-picker'
import { useT } from '../../i18n/i18n'

const FIELDS = ['name', 'description', 'membershipIds'] as const

/** Create a team (with members) or edit one's name and description. */
export function TeamDialog(props: { initialName?: string; team?: TeamDto; onClose(created?: TeamDto): void }): JSX.Element {
  const { team, onClose } = props
  const [name, setName] = useState(team?.name ?? props.initialName ?? '')
  const [description, setDescription] = useState(team?.description ?? '')
  const [members, setMembers] = useState<{ id: string; label: string }[]>([])
  const { fields: errors, banner: error, refuse, set: setErrors, edited } = useFormErrors(FIELDS)
  const [busy, setBusy] = useState(false)
  const t = useT()

  async function submit(): Promise<void> {
    if (busy) return
    setBusy(true)
    const result = team
      ? await getBridge().invoke('teams:update', { teamId: team.id, name, description })
      : await getBridge().invoke('teams:create', { name, description, membershipIds: members.map((m) => m.id) })
    setBusy(false)
    if (!result.ok) {
      // A name already taken (CONFLICT) is about the name: it goes beside the name.
      if (result.error.code === 'CONFLICT') setErrors({ name: result.error.message })
      else refuse(result.error)
      return
    }
    onClose(team ? undefined : result.value)
  }

  return (
    <Dialog
      title={team ? t('teamDialog.editTitle', { team: team.name }) : t('teams.new')}
      onClose={() => onClose()}
      onSubmit={() => void submit()}
      footer={
        <>
          <button type="button" className="button" onClick={() => onClose()}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {team ? t('common.save') : t('teamDialog.create')}
          </button>
        </>
      }
    >
      {error ? <Banner tone="error">{error}</Banner> : null}
      <TextField
        label={t('teamDialog.name')}
        value={name}
        onChange={(e) => {
          setName(e.target.value)
          edited('name')
        }}
        error={errors.name}
        autoFocus
        maxLength={80}
      />
      <TextField
        label={t('teamDialog.description')}
        value={description}
        onChange={(e) => {
          setDescription(e.target.value)
          edited('description')
        }}
        error={errors.description}
        hint={t('teamDialog.descriptionHint')}
      />
      {team ? null : (
        <MemberPicker
          label={t('teamDialog.members')}
          chosen={members}
          onChange={(value) => {
            setMembers(value)
            edited('membershipIds')
          }}
        />
      )}
      {errors.membershipIds ? <p className="field-error">{errors.membershipIds}</p> : null}
    </Dialog>
  )
}
