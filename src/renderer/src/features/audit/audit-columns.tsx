import { createColumnHelper } from '@tanstack/react-table'
import { DateTime } from '../../components/date-time'
import type { DataTableFeatures } from '../../components/data-table'
import { t } from '../../i18n/i18n'
import { roleLabel } from '../../i18n/labels'
import type { AuditActor, AuditEventDto } from '../../../../shared/contract/audit'
import { AUDIT_ACTIONS, isAuditAction } from '../../../../shared/audit-actions'

/** "Owner", "Admin"… for members; the kind for support, system and delegates. */
export function actorLabel(actor: AuditActor): string {
  if (actor.kind === 'member') return actor.role ? roleLabel(t, actor.role) : t('audit.kind.member')
  return t(`audit.kind.${actor.kind}`)
}

/** The catalog's name of an action ("Role changed"); a code it does not list, as stored. */
export function actionLabel(code: string): string {
  return isAuditAction(code) ? AUDIT_ACTIONS[code].label : code
}

export function targetLabel(target: AuditEventDto['target']): string {
  return target.name ?? target.id ?? '—'
}

const helper = createColumnHelper<DataTableFeatures, AuditEventDto>()

const timeColumn = helper.accessor('time', {
    header: () => t('audit.col.time'),
    enableSorting: false,
    cell: (info) => <DateTime className="truncate tabular" ms={info.getValue()} zone />
})

const actorColumn = helper.accessor('actor', {
    header: () => t('audit.col.actor'),
    enableSorting: false,
    cell: (info) => {
      const actor = info.getValue()
      return (
        <span className="audit-actor truncate" title={actor.email ? `${actor.name} <${actor.email}>` : actor.name}>
          <span className="truncate">{actor.name}</span>
          <span className="audit-kind">{actorLabel(actor)}</span>
        </span>
      )
    }
})

const actionColumn = helper.accessor('action', {
    header: () => t('audit.col.action'),
    enableSorting: false,
    cell: (info) => (
      <code className="action-code truncate" title={actionLabel(info.getValue())}>
        {info.getValue()}
      </code>
    )
})

const summaryColumn = helper.accessor('summary', {
    header: () => t('audit.col.summary'),
    enableSorting: false,
    cell: (info) => (
      <span className="truncate" title={info.getValue()}>
        {info.getValue()}
      </span>
    )
})

const targetColumn = helper.accessor('target', {
    header: () => t('audit.col.target'),
    enableSorting: false,
    cell: (info) => {
      const target = info.getValue()
      return (
        <span className="audit-target truncate" title={`${target.type}: ${targetLabel(target)}`}>
          <span className="audit-kind">{target.type}</span>
          <span className="truncate">{targetLabel(target)}</span>
        </span>
      )
    }
})

export const auditColumns = helper.columns([timeColumn, actorColumn, actionColumn, summaryColumn, targetColumn])
export const AUDIT_GRID = '164px minmax(140px, 1.1fr) minmax(150px, 1fr) minmax(200px, 2.6fr) minmax(120px, 1fr)'

/** Beside the detail pane: the summary already names the actor and target, which the pane shows in full. */
export const auditColumnsCompact = helper.columns([timeColumn, actionColumn, summaryColumn])
export const AUDIT_GRID_COMPACT = '164px minmax(140px, 0.9fr) minmax(150px, 2fr)'
