import type { JSX } from 'react'
import { Avatar } from '../../components/avatar'
import { Badge } from '../../components/badge'
import { formatCount, formatDateTime } from '../../components/format'
import type { SupportAgentRow } from '../../../../shared/contract/support-access'
import { useT } from '../../i18n/i18n'

/** The vendor's agents, read-only here: the vendor provisions them from its command line. */
export function SupportAgentsList({ agents }: { agents: SupportAgentRow[] }): JSX.Element {
  const t = useT()
  return (
    <section className="sa-agents" aria-labelledby="sa-agents-title">
      <h2 id="sa-agents-title" className="sa-card-title">
        {t('saAgents.title')} <span className="muted sa-agents-count">{formatCount(agents.length)}</span>
      </h2>
      <p className="muted sa-meta">{t('saAgents.intro')}</p>
      {agents.length === 0 ? (
        <p className="sa-agents-empty">{t('saAgents.none')}</p>
      ) : (
        <ul className="sa-agent-list" aria-label={t('saAgents.title')}>
          {agents.map((agent) => (
            <li key={agent.id} className="sa-agent">
              <Avatar name={agent.name} seed={agent.id} size="sm" />
              <span className="sa-agent-text">
                <span className="truncate sa-agent-name" title={agent.name}>
                  {agent.name}
                </span>
                <span className="truncate muted" title={agent.email}>
                  {agent.email}
                </span>
              </span>
              <span className="sa-agent-last muted">
                {agent.lastLoginAt === null ? t('saAgents.never') : t('saAgents.last', { when: formatDateTime(agent.lastLoginAt, { zone: true }) })}
              </span>
              {agent.liveSessions > 0 ? <Badge tone="green">{t('saLogins.signedInNow')}</Badge> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
