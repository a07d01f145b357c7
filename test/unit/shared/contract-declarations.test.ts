import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { channels, CHANNEL_NAMES, TOPICS } from '../../../src/shared/contract'
import { auditAction } from '../../../src/shared/contract/audit'
import { SUPPORT_LOG_ACTION_LABELS } from '../../../src/shared/contract/support-access'
import { AUDIT_ACTION_CODES, AUDIT_ACTIONS, isAuditAction, OWNER_ONLY_ACTIONS } from '../../../src/shared/audit-actions'

const CORE_DIR = join(__dirname, '../../../src/main/core')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.ts$/.test(name) && !/\.d\.ts$/.test(name) ? [path] : []
  })
}

/** Every `action: '<code>'` and `action: x ? '<a>' : '<b>'` literal under src/main/core, with where it is. */
function actionLiterals(): Array<{ code: string; where: string }> {
  const found: Array<{ code: string; where: string }> = []
  const pattern = /\baction:\s*(?:'([^']+)'|[^,\n?{}]*\?\s*'([^']+)'\s*:\s*'([^']+)')/g
  for (const file of sourceFiles(CORE_DIR)) {
    const text = readFileSync(file, 'utf8')
    for (const match of text.matchAll(pattern)) {
      const line = text.slice(0, match.index).split('\n').length
      for (const code of [match[1], match[2], match[3]]) {
        if (code) found.push({ code, where: `${relative(CORE_DIR, file)}:${line}` })
      }
    }
  }
  return found
}

describe('channel declarations', () => {
  it('every mutating channel declares the topics it invalidates, from TOPICS', () => {
    for (const name of CHANNEL_NAMES) {
      const def = channels[name]
      if (!def.mutates) continue
      expect(Array.isArray(def.invalidates), `${name} declares invalidates`).toBe(true)
      for (const topic of def.invalidates!) expect(TOPICS, `${name}: ${topic}`).toContain(topic)
      expect(new Set(def.invalidates).size, `${name} lists a topic twice`).toBe(def.invalidates!.length)
    }
  })

  it('no read-only channel declares invalidates', () => {
    for (const name of CHANNEL_NAMES) {
      const def = channels[name]
      if (def.mutates) continue
      expect('invalidates' in def, `${name} is read-only`).toBe(false)
    }
  })

  it('every topic is published by some channel or listened to', () => {
    const declared = new Set(CHANNEL_NAMES.flatMap((name) => channels[name].invalidates ?? []))
    // 'support-access' goes to the Owner's windows by hand (SupportAccess.notifyOwners), never to the whole account.
    for (const topic of TOPICS) if (topic !== 'support-access') expect(declared, topic).toContain(topic)
  })
})

describe('audit action catalog', () => {
  it('every entry has a label, a group and readers', () => {
    for (const code of AUDIT_ACTION_CODES) {
      const entry = AUDIT_ACTIONS[code]
      expect(entry.label.trim(), code).not.toBe('')
      expect(entry.group.trim(), code).not.toBe('')
      expect(['audit', 'owner'], code).toContain(entry.readers)
      expect(code, 'codes are <area>.<verb>').toMatch(/^[a-z-]+\.[a-z-]+$/)
    }
  })

  it('support access, support agents and support sessions are the Owner’s alone', () => {
    const supportCodes = AUDIT_ACTION_CODES.filter((c) => c.startsWith('support-access.') || c.startsWith('support-agent.') || c.startsWith('support.'))
    expect(supportCodes).toEqual(expect.arrayContaining(['support.signed-in', 'support.signed-out', 'support.locked']))
    for (const code of supportCodes) expect(OWNER_ONLY_ACTIONS, code).toContain(code)
    // And nothing else is hidden from the account's auditors.
    expect([...OWNER_ONLY_ACTIONS].sort()).toEqual([...supportCodes].sort())
  })

  it('isAuditAction and the zod enum agree with the catalog', () => {
    expect(isAuditAction('team.created')).toBe(true)
    expect(isAuditAction('toString')).toBe(false)
    expect(isAuditAction('team.exploded')).toBe(false)
    expect(auditAction.safeParse('support.signed-in').success).toBe(true)
    expect(auditAction.safeParse('team.exploded').success).toBe(false)
    expect(auditAction.options).toHaveLength(AUDIT_ACTION_CODES.length)
  })

  it('every action code written under src/main/core is catalogued', () => {
    // The support-access log has its own action column ('extend', 'change', …): not audit codes.
    const supportLogActions = new Set(Object.keys(SUPPORT_LOG_ACTION_LABELS))
    const literals = actionLiterals().filter(({ code }) => !supportLogActions.has(code))
    expect(literals.length).toBeGreaterThan(30)
    expect(literals.map((l) => l.code)).toEqual(expect.arrayContaining(['team.members-added', 'team.members-removed', 'member.role-changed', 'member.updated']))
    const unknown = literals.filter(({ code }) => !isAuditAction(code))
    expect(unknown).toEqual([])
  })

  it('the bulk event codes and the demo seeder’s codes are catalogued too', () => {
    // Passed through a variable (bulkEvent(ctx, '<code>', …), faker.helpers.arrayElement([...])): not seen by the scan above.
    const indirect = /(?:bulkEvent\(\s*ctx,\s*(?:[^,]*?\?\s*)?'([^']+)'(?:\s*:\s*'([^']+)')?|arrayElement\(\[([^\]]*)\]\))/g
    const codes: string[] = []
    for (const file of sourceFiles(CORE_DIR)) {
      for (const match of readFileSync(file, 'utf8').matchAll(indirect)) {
        if (match[1]) codes.push(match[1])
        if (match[2]) codes.push(match[2])
        if (match[3]) codes.push(...[...match[3].matchAll(/'([a-z-]+\.[a-z-]+)'/g)].map((m) => m[1]!))
      }
    }
    expect(codes).toEqual(expect.arrayContaining(['users.bulk-role-changed', 'users.bulk-team-added', 'users.bulk-team-removed', 'users.bulk-deactivated']))
    expect(codes.filter((c) => !isAuditAction(c))).toEqual([])
  })
})
