import { useEffect, useState, type JSX } from 'react'
import { createColumnHelper, useTable } from '@tanstack/react-table'
import { DataTable, dataTableFeatures, type DataTableFeatures } from '../../components/data-table'
import { Banner } from '../../components/banner'
import { EmptyState } from '../../components/empty-state'
import { t as tr, useT } from '../../i18n/i18n'
import { useDataChanged } from '../../app/data-events'
import { hasPermission, useSession } from '../../app/session-store'
import { TEAM_EXAMPLES, type TeamDto } from '../../../../shared/contract/teams'
import { useTeams } from './teams-store'
import { TeamDialog } from './team-dialog'
import { TeamPanel } from './team-panel'
import './teams.css'

const helper = createColumnHelper<DataTableFeatures, TeamDto>()
const columns = helper.columns([
  helper.accessor('name', {
    id: 'name',
    header: () => tr('teams.col.team'),
    enableSorting: false,
    cell: (info) => (
      <span className="truncate team-name" title={info.getValue()}>
        {info.getValue()}
      </span>
    )
  }),
  helper.accessor('description', {
    id: 'description',
    header: () => tr('teams.col.description'),
    enableSorting: false,
    cell: (info) => (
      <span className="truncate muted" title={info.getValue()}>
        {info.getValue() || '—'}
      </span>
    )
  }),
  helper.accessor('memberCount', {
    id: 'members',
    header: () => tr('teams.col.members'),
    enableSorting: false,
    cell: (info) => <span className="tabular">{tr('teams.members', { count: info.getValue() })}</span>
  })
])
const GRID = 'minmax(180px, 1.2fr) minmax(200px, 2fr) 110px'

export function TeamsScreen(): JSX.Element {
  const { teams, loaded, error, load } = useTeams()
  const session = useSession((s) => s.session)
  const canManage = hasPermission(session, 'teams:manage')
  const [creating, setCreating] = useState<string | null>(null)
  const [openId, setOpenId] = useState<string | null>(null)
  const t = useT()

  useEffect(() => {
    void useTeams.getState().load()
  }, [])
  useDataChanged('teams', () => void load())

  const table = useTable({ features: dataTableFeatures, columns, data: teams, getRowId: (team) => team.id, manualSorting: true })
  const open = teams.find((team) => team.id === openId) ?? null

  return (
    <div className="users-layout">
      <section className="screen" aria-labelledby="teams-title">
        <header className="screen-header">
          <div className="screen-heading">
            <h1 id="teams-title">{t('teams.title')}</h1>
            <p className="screen-count">{loaded ? t('teams.count', { count: teams.length }) : '\u00a0'}</p>
          </div>
          {canManage && teams.length > 0 ? (
            <button type="button" className="button button-primary" onClick={() => setCreating('')}>
              {t('teams.new')}
            </button>
          ) : null}
        </header>
        {error ? <Banner tone="error">{t('teams.loadFailed', { error })}</Banner> : null}
        {loaded && teams.length === 0 && !error ? (
          <TeamsEmpty canManage={canManage} onCreate={(name) => setCreating(name)} />
        ) : (
          <DataTable
            table={table}
            label={t('teams.tableLabel')}
            columns={GRID}
            rowHeight={44}
            totalRows={teams.length}
            hasMore={false}
            loading={!loaded}
            onEndReached={noop}
            onRowActivate={(team) => setOpenId(team.id)}
            selectedRowId={openId}
            resetKey="teams"
            empty={<EmptyState title={t('teams.none')} />}
          />
        )}
      </section>
      {open ? <TeamPanel key={open.id} team={open} canManage={canManage} onClose={() => setOpenId(null)} /> : null}
      {creating !== null ? (
        <TeamDialog
          initialName={creating}
          onClose={(created) => {
            setCreating(null)
            if (created) setOpenId(created.id)
          }}
        />
      ) : null}
    </div>
  )
}

function TeamsEmpty({ canManage, onCreate }: { canManage: boolean; onCreate(name: string): void }): JSX.Element {
  const t = useT()
  return (
    <div className="teams-empty">
      <EmptyState title={t('teams.noneYet')}>
        <p>{t('teams.emptyText')}</p>
        {canManage ? (
          <>
            <p>{t('teams.startWith')}</p>
            <div className="team-examples" role="group" aria-label={t('teams.examples')}>
              {TEAM_EXAMPLES.map((name) => (
                <button key={name} type="button" className="chip" onClick={() => onCreate(name)}>
                  {name}
                </button>
              ))}
            </div>
            <button type="button" className="button button-primary empty-action" onClick={() => onCreate('')}>
              {t('teams.new')}
            </button>
          </>
        ) : (
          <p>{t('teams.adminCan')}</p>
        )}
      </EmptyState>
    </div>
  )
}

function noop(): void {}
