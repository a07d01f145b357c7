import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * The core's shape (issue 7): no import circle inside src/main/core, and SQL only in repositories,
 * per-dialect modules, the store and the kernel. These fail when either comes back.
 */
const CORE = resolve('src/main/core')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) return sourceFiles(full)
    return /\.tsx?$/.test(name) ? [full] : []
  })
}

function resolveImport(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null
  const base = resolve(dirname(from), spec)
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate
    } catch {
      // Not this candidate.
    }
  }
  return null
}

/** Imports that exist at run time (type-only imports cannot form a circle that matters). */
function valueImports(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const out: string[] = []
  for (const match of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
    if (match[2]) continue
    const target = resolveImport(file, match[3]!)
    if (target?.startsWith(CORE)) out.push(target)
  }
  return out
}

function cyclesOf(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'visiting' | 'done'>()
  const stack: string[] = []
  const cycles: string[][] = []
  const visit = (file: string) => {
    state.set(file, 'visiting')
    stack.push(file)
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'visiting') cycles.push([...stack.slice(stack.indexOf(next)), next].map((f) => relative(CORE, f)))
      else if (!state.has(next)) visit(next)
    }
    stack.pop()
    state.set(file, 'done')
  }
  for (const file of graph.keys()) if (!state.has(file)) visit(file)
  return cycles
}

/** Where SQL may be written. */
function mayHoldSql(file: string): boolean {
  const rel = relative(CORE, file)
  return (
    rel.startsWith('store/') ||
    rel.startsWith('kernel/') ||
    /(^|\/)repository\.ts$/.test(rel) ||
    /-repository\.ts$/.test(rel) ||
    /\.(sqlite|postgres)\.ts$/.test(rel)
  )
}

const SQL_MARKERS = [/\bsql`/, /\bsql<[^>]*>`/, /\.prepare\(/, /\bsql\.raw\(/, /\.selectFrom\(/, /\.insertInto\(/, /\.updateTable\(/, /\.deleteFrom\(/]

describe('the core has the shape issue 7 asks for', () => {
  const files = sourceFiles(CORE)

  it('has no import circle', () => {
    expect(cyclesOf(new Map(files.map((f) => [f, valueImports(f)])))).toEqual([])
  })

  it('writes SQL only in repositories, per-dialect modules, store/ and kernel/', () => {
    const offenders = files.filter((f) => !mayHoldSql(f) && SQL_MARKERS.some((m) => m.test(readFileSync(f, 'utf8')))).map((f) => relative(CORE, f))
    expect(offenders).toEqual([])
  })

  it('never lets a feature import the core class or the feature list', () => {
    const offenders = files
      .filter((f) => !['core.ts', 'in-process.ts', 'worker.ts', 'features.ts'].includes(relative(CORE, f)))
      .filter((f) => valueImports(f).some((t) => ['core.ts', 'features.ts'].includes(relative(CORE, t))) || /from '\.\.\/core'/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(CORE, f))
    expect(offenders).toEqual([])
  })

  it('catches a circle when one is there (the check itself works)', () => {
    const [a, b, c] = ['a.ts', 'b.ts', 'c.ts'].map((n) => join(CORE, n)) as [string, string, string]
    expect(cyclesOf(new Map([[a, [b]], [b, [c]], [c, [a]]]))).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']])
    expect(cyclesOf(new Map([[a, [b]], [b, [c]], [c, []]]))).toEqual([])
  })
})
