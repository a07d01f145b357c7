import type { JSX } from 'react'
import type { TeamDto } from '../../../../shared/contract/teams'
import { useT } from '../../i18n/i18n'
import './teams.css'

/** A list of checkboxes, one per team; used by the invite dialog and the user panel. */
export function TeamPicker(props: { teams: TeamDto[]; value: string[]; onChange(ids: string[]): void; legend: string; disabled?: boolean }): JSX.Element {
  const { teams, value, onChange, legend, disabled } = props
  const t = useT()
  return (
    <fieldset className="team-picker" disabled={disabled}>
      <legend className="field-label">{legend}</legend>
      {teams.length === 0 ? <p className="muted team-picker-empty">{t('teamPicker.none')}</p> : null}
      <div className="team-picker-list">
        {teams.map((team) => (
          <label key={team.id} className="checkbox">
            <input
              type="checkbox"
              checked={value.includes(team.id)}
              onChange={(event) => onChange(event.target.checked ? [...value, team.id] : value.filter((id) => id !== team.id))}
            />
            <span className="truncate">{team.name}</span>
          </label>
        ))}
      </div>
    </fieldset>
  )
}
