import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses'
import { Arch, type AfterPackContext } from 'electron-builder'
import {
  FUSES,
  NATIVE_ADDON,
  afterPack,
  binaryPlatform,
  builderConfig,
  electronBinaryPath,
  flipAndVerifyFuses,
  fuseMismatches,
  fusesByName,
  nativeAddonProblems
} from '../../../scripts/packaging.mjs'
import { windowOptions } from '../../../src/main/shell/window'

vi.mock('electron', () => import('../../mocks/electron'))

const ROOT = join(import.meta.dirname, '../../..')
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0])
const ELECTRON = '45.4.1'

/** What a security review expects of the packaged binary, by fuse name. */
const EXPECTED_FUSES = {
  RunAsNode: false,
  EnableCookieEncryption: true,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  LoadBrowserProcessSpecificV8Snapshot: false,
  GrantFileProtocolExtraPrivileges: false
}

/**
 * A stand-in for the Electron binary (none can be downloaded here): bytes around the fuse wire
 * as Electron lays it out — sentinel, wire version 1, wire length, one ASCII state per fuse.
 * Nine fuses, as in recent Electron (the ninth, WasmTrapHandlers, is newer than @electron/fuses 1.8).
 */
function fakeElectronBinary(path: string, states = '101100011'): void {
  writeFileSync(path, Buffer.concat([Buffer.alloc(64, 0xcc), Buffer.from(SENTINEL), Buffer.from([1, states.length]), Buffer.from(states), Buffer.alloc(64, 0xcc)]))
}

describe('packaging: the fuses', () => {
  it('are exactly the ones a security review expects', () => {
    expect(fusesByName(FUSES)).toEqual(EXPECTED_FUSES)
    expect(FUSES).toEqual({
      version: FuseVersion.V1,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false
    })
  })

  it('leave none of the fuses @electron/fuses knows to Electronʼs default', () => {
    const known = Object.values(FuseV1Options).filter((value) => typeof value === 'number')
    expect(Object.keys(FUSES).filter((key) => key !== 'version').map(Number).sort()).toEqual(known.sort())
    expect(Object.isFrozen(FUSES)).toBe(true)
  })

  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-fuses-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('are flipped in the binary and read back, a newer fuse keeping its default', async () => {
    const binary = join(dir, 'gatehouse')
    fakeElectronBinary(binary)
    const log: string[] = []
    await flipAndVerifyFuses(binary, { log: (line) => log.push(line) })
    const wire = await getCurrentFuseWire(binary)
    expect(fuseMismatches(FUSES, wire)).toEqual([])
    // RunAsNode … GrantFileProtocolExtraPrivileges as ASCII states; the ninth untouched.
    const at = readFileSync(binary).indexOf(SENTINEL) + SENTINEL.length + 2
    expect(readFileSync(binary).subarray(at, at + 9).toString()).toBe('010011001')
    expect(log.join('\n')).toMatch(/fuses 8 are unknown/)
  })

  it('are named when the binary does not hold them', () => {
    const wire = { version: '1', 0: 49, 1: 49, 2: 48, 3: 48, 4: 49, 5: 49, 6: 48, 7: 48 }
    expect(fuseMismatches(FUSES, wire)).toEqual(['RunAsNode'])
    expect(fuseMismatches(FUSES, { version: '1' })).toHaveLength(8)
  })

  it('are found in the .app on macOS, the .exe on Windows, the executable on Linux', () => {
    const names = { appOutDir: '/pack', productFilename: 'Gatehouse', executableName: 'gatehouse' }
    expect(electronBinaryPath({ ...names, electronPlatformName: 'darwin' })).toBe(join('/pack', 'Gatehouse.app'))
    expect(electronBinaryPath({ ...names, electronPlatformName: 'mas' })).toBe(join('/pack', 'Gatehouse.app'))
    expect(electronBinaryPath({ ...names, electronPlatformName: 'win32' })).toBe(join('/pack', 'Gatehouse.exe'))
    expect(electronBinaryPath({ ...names, electronPlatformName: 'linux' })).toBe(join('/pack', 'gatehouse'))
  })
})

describe('packaging: the electron-builder configuration', () => {
  it('packs the app into app.asar with the database addon unpacked', () => {
    expect(builderConfig.asar).toBe(true)
    expect(builderConfig.asarUnpack).toEqual([NATIVE_ADDON])
    expect(NATIVE_ADDON).toBe('native/electron/better_sqlite3.node')
    expect(builderConfig.files).toEqual(expect.arrayContaining(['out/main/**', 'out/preload/**', 'out/renderer/**', NATIVE_ADDON]))
    // The Node-ABI build of the addon stays out: only the Electron one is loaded.
    expect(builderConfig.files).toContain('!node_modules/better-sqlite3-multiple-ciphers/{build,deps,src}/**')
  })

  it('never rebuilds node_modules in place, flips the fuses in its own hook and never publishes', () => {
    expect(builderConfig).toMatchObject({ npmRebuild: false, nodeGypRebuild: false, buildDependenciesFromSource: false, publish: null })
    expect(builderConfig.afterPack).toBe(afterPack)
    // Not electron-builder's own `electronFuses` as well: one place decides.
    expect(builderConfig).not.toHaveProperty('electronFuses')
    expect(builderConfig.directories?.output).toBe('out/package')
  })

  it('is what electron-builder.config.js gives electron-builder, and what `npm run package` uses', async () => {
    const configModule = new URL('../../../electron-builder.config.js', import.meta.url).href
    const loaded = (await import(configModule)) as { default: unknown }
    expect(loaded.default).toBe(builderConfig)
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; allowScripts: Record<string, boolean> }
    expect(pkg.scripts.package).toBe('node scripts/package.mjs')
    expect(readFileSync(join(ROOT, 'scripts/package.mjs'), 'utf8')).toContain("'--config', 'electron-builder.config.js'")
    // Installing never downloads: Electron's and electron-winstaller's install scripts stay off.
    expect(pkg.allowScripts).toMatchObject({ electron: false, 'electron-winstaller': false })
  })

  it('reads electron-builderʼs Arch values the way electron-builder numbers them', () => {
    expect([Arch.ia32, Arch.x64, Arch.armv7l, Arch.arm64, Arch.universal]).toEqual([0, 1, 2, 3, 4])
  })
})

describe('packaging: DevTools', () => {
  it('are off in a packaged build and on under `electron .`', () => {
    expect(windowOptions('/app/preload.cjs', undefined, true).webPreferences?.devTools).toBe(false)
    expect(windowOptions('/app/preload.cjs', undefined, false).webPreferences?.devTools).toBe(true)
  })
})

describe('packaging: the afterPack hook', () => {
  let project: string
  let appOutDir: string

  function writeFile(path: string, content: string | Buffer): void {
    mkdirSync(join(path, '..'), { recursive: true })
    writeFileSync(path, content)
  }

  /** A project with an Electron addon build and an unpacked Linux x64 app, as electron-builder leaves it. */
  function setUp(buildInfo: Record<string, unknown> = {}): void {
    writeFile(join(project, NATIVE_ADDON), ELF)
    writeFile(join(project, 'native/electron/build-info.json'), JSON.stringify({ addon: 'better-sqlite3-multiple-ciphers', addonVersion: '12.11.1', electron: ELECTRON, arch: 'x64', ...buildInfo }))
    writeFile(join(project, 'node_modules/better-sqlite3-multiple-ciphers/package.json'), JSON.stringify({ version: '12.11.1' }))
    writeFile(join(appOutDir, 'resources/app.asar'), 'asar')
    fakeElectronBinary(join(appOutDir, 'gatehouse'))
    writeFile(join(appOutDir, 'resources/app.asar.unpacked', NATIVE_ADDON), ELF)
  }

  function context(arch: Arch = Arch.x64, electronPlatformName = 'linux'): AfterPackContext {
    const packager = {
      projectDir: project,
      info: { framework: { version: ELECTRON } },
      appInfo: { productFilename: 'Gatehouse' },
      executableName: 'gatehouse',
      getResourcesDir: (dir: string) => join(dir, 'resources')
    }
    return { appOutDir, outDir: join(project, 'out/package'), arch, targets: [], electronPlatformName, packager } as unknown as AfterPackContext
  }

  async function fuseStates(): Promise<string> {
    const bytes = readFileSync(join(appOutDir, 'gatehouse'))
    const at = bytes.indexOf(SENTINEL) + SENTINEL.length + 2
    return bytes.subarray(at, at + 9).toString()
  }

  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), 'gatehouse-pack-'))
    appOutDir = join(project, 'out/package/linux-unpacked')
    vi.spyOn(console, 'log').mockImplementation(() => undefined)
  })
  afterEach(() => {
    vi.restoreAllMocks()
    rmSync(project, { recursive: true, force: true })
  })

  it('flips the fuses when the addon is unpacked and fits the target', async () => {
    setUp()
    await afterPack(context())
    expect(await fuseStates()).toBe('010011001')
  })

  it('fails, flipping nothing, when the addon was not unpacked from app.asar', async () => {
    setUp()
    rmSync(join(appOutDir, 'resources/app.asar.unpacked'), { recursive: true })
    await expect(afterPack(context())).rejects.toThrow(/not in app\.asar\.unpacked/)
    expect(await fuseStates()).toBe('101100011')
  })

  it('fails when the app was not packed into app.asar', async () => {
    setUp()
    rmSync(join(appOutDir, 'resources/app.asar'))
    await expect(afterPack(context())).rejects.toThrow(/No app\.asar/)
  })

  it('fails when the addon was built for another Electron, architecture or OS', async () => {
    setUp({ electron: '44.0.0' })
    await expect(afterPack(context())).rejects.toThrow(/built for Electron 44\.0\.0, the package uses 45\.4\.1/)
    setUp()
    await expect(afterPack(context(Arch.arm64))).rejects.toThrow(/built for x64, the package is for arm64/)
    await expect(afterPack(context(Arch.x64, 'win32'))).rejects.toThrow(/a linux binary, the package is for win32/)
    await expect(afterPack(context(Arch.universal, 'darwin'))).rejects.toThrow(/universal/)
    expect(await fuseStates()).toBe('101100011')
  })

  it('names a missing addon build and the command that makes it', () => {
    expect(nativeAddonProblems({ projectDir: project, electronVersion: ELECTRON })).toEqual([expect.stringMatching(/missing: run "npm run build:native-electron"/)])
    setUp({ addonVersion: '12.0.0' })
    expect(nativeAddonProblems({ projectDir: project, electronVersion: ELECTRON })).toEqual([expect.stringMatching(/built from better-sqlite3-multiple-ciphers 12\.0\.0/)])
  })

  it('tells native binaries apart by their first bytes', () => {
    expect(binaryPlatform(ELF)).toBe('linux')
    expect(binaryPlatform(Buffer.from('MZ\x90\x00'))).toBe('win32')
    expect(binaryPlatform(Buffer.from([0xcf, 0xfa, 0xed, 0xfe]))).toBe('darwin')
    expect(binaryPlatform(Buffer.from('#!/bin/sh'))).toBe('unknown')
  })
})
