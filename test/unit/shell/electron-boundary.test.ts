import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * Next to the lint rule, a check that cannot be switched off by a comment: only the shell,
 * the composition root and the preload import `electron`. The core, web host and CLI must
 * run under plain Node, where `import 'electron'` throws (or tries to download a binary).
 */
const root = join(__dirname, '..', '..', '..')
const src = join(root, 'src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.(ts|tsx|mts|cts|js|mjs|cjs)$/.test(entry.name) ? [path] : []
  })
}

// import … from 'electron', import 'electron', export … from 'electron', require('electron'),
// import('electron') — and the 'electron/main' style subpaths.
const ELECTRON_IMPORT = /(?:\bfrom\s*|\bimport\s*|\brequire\s*\(\s*|\bimport\s*\(\s*)['"]electron(?:\/[^'"]*)?['"]/

export function importsElectron(code: string): boolean {
  return ELECTRON_IMPORT.test(code)
}

function isAllowed(file: string): boolean {
  const rel = relative(src, file).split(sep).join('/')
  return rel === 'main/index.ts' || rel.startsWith('main/shell/') || rel === 'preload/index.ts'
}

describe('electron import boundary', () => {
  it('the detector sees every import form and ignores look-alikes', () => {
    expect(importsElectron("import { app } from 'electron'")).toBe(true)
    expect(importsElectron('import type { WebContents } from "electron"')).toBe(true)
    expect(importsElectron("import 'electron'")).toBe(true)
    expect(importsElectron("export { app } from 'electron'")).toBe(true)
    expect(importsElectron("const e = require('electron')")).toBe(true)
    expect(importsElectron("const e = await import('electron')")).toBe(true)
    expect(importsElectron("import { app } from 'electron/main'")).toBe(true)
    expect(importsElectron("import Store from 'electron-store'")).toBe(false)
    expect(importsElectron("import { x } from './electron-helpers'")).toBe(false)
    expect(importsElectron('// the electron shell')).toBe(false)
  })

  it('only src/main/shell, src/main/index.ts and the preload import electron', () => {
    const files = sourceFiles(src)
    expect(files.length).toBeGreaterThan(10)
    const offenders = files.filter((file) => importsElectron(readFileSync(file, 'utf8')) && !isAllowed(file)).map((file) => relative(root, file))
    expect(offenders).toEqual([])
  })

  it('the places that may import electron do (the check is not vacuous)', () => {
    const users = sourceFiles(src).filter((file) => importsElectron(readFileSync(file, 'utf8'))).map((file) => relative(src, file).split(sep).join('/'))
    expect(users).toEqual(expect.arrayContaining(['main/index.ts', 'preload/index.ts', 'main/shell/ipc-bridge.ts']))
  })
})
