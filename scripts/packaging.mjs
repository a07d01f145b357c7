// The packaging policy of `npm run package`, in one module: the Electron fuses, the electron-builder
// configuration (electron-builder.config.js re-exports it) and the afterPack hook that flips the
// fuses and checks the database addon. Types for the tests: packaging.d.mts.
//
// Order inside electron-builder (app-builder-lib's platformPackager): copy the app → write
// app.asar → embed its integrity hash (Info.plist on macOS, a resource in the .exe on Windows) →
// afterPack (here: flip the fuses) → sign. Fuses must be flipped before signing, and the asar
// must not change after its hash is embedded; afterPack is the one place that satisfies both.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire } from '@electron/fuses'

/**
 * Every fuse @electron/fuses 1.8 knows, set explicitly (none left to Electron's default):
 * - RunAsNode off: ELECTRON_RUN_AS_NODE cannot turn the signed binary into a plain Node.
 * - EnableCookieEncryption on: the cookie store on disk is encrypted with the OS key.
 * - EnableNodeOptionsEnvironmentVariable off: NODE_OPTIONS (--require, --inspect…) is ignored.
 * - EnableNodeCliInspectArguments off: --inspect / --inspect-brk are ignored.
 * - EnableEmbeddedAsarIntegrityValidation on: app.asar must match the hash embedded at packaging
 *   (macOS and Windows; Electron has no such check on Linux).
 * - OnlyLoadAppFromAsar on: Electron loads the app from app.asar only, never an app/ folder beside it.
 * - LoadBrowserProcessSpecificV8Snapshot off: Electron's default, pinned.
 * - GrantFileProtocolExtraPrivileges off: the renderer is served from app://gatehouse/, never
 *   file://, so file:// pages get no extra privileges.
 */
export const FUSES = Object.freeze({
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

/** The fuse map by name (`{ RunAsNode: false, … }`), for logs, the README and the tests. */
export function fusesByName(config = FUSES) {
  const named = {}
  for (const [key, value] of Object.entries(config)) {
    if (key === 'version' || typeof value !== 'boolean') continue
    named[FuseV1Options[Number(key)] ?? `fuse ${key}`] = value
  }
  return named
}

/** The addon `npm run build:native-electron` writes; launch.ts loads it from the app with `nativeBinding`. */
export const NATIVE_ADDON = 'native/electron/better_sqlite3.node'
const NATIVE_BUILD_INFO = 'native/electron/build-info.json'
const ADDON_PACKAGE = 'better-sqlite3-multiple-ciphers'

/** electron-builder's Arch enum (builder-util) by value; build-info.json uses Node's names. */
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal']
const NODE_ARCH = { ia32: 'ia32', x64: 'x64', armv7l: 'arm', arm64: 'arm64' }

/** The file @electron/fuses is given: the .app bundle on macOS (it finds the framework), the executable elsewhere. */
export function electronBinaryPath({ appOutDir, electronPlatformName, productFilename, executableName }) {
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return join(appOutDir, `${productFilename}.app`)
  if (electronPlatformName === 'win32') return join(appOutDir, `${productFilename}.exe`)
  return join(appOutDir, executableName)
}

/** What the first bytes of a native module say it was built for. */
export function binaryPlatform(bytes) {
  if (bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) return 'linux'
  if (bytes.length >= 2 && bytes[0] === 0x4d && bytes[1] === 0x5a) return 'win32'
  const magic = bytes.length >= 4 ? bytes.readUInt32BE(0) : 0
  if ([0xcffaedfe, 0xcefaedfe, 0xfeedfacf, 0xfeedface, 0xcafebabe].includes(magic)) return 'darwin'
  return 'unknown'
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'))
}

/**
 * Problems with native/electron for a package of `electronVersion` on `platform`/`arch` (Node
 * names; either may be left out to skip that check), one sentence each; empty when the addon fits.
 * The addon is built per Electron version, addon version, OS and architecture, and nothing else
 * in the package can replace it.
 */
export function nativeAddonProblems({ projectDir, electronVersion, platform, arch }) {
  const fix = 'run "npm run build:native-electron" on this OS and architecture, then package again'
  const addon = join(projectDir, NATIVE_ADDON)
  if (!existsSync(addon)) return [`${NATIVE_ADDON} is missing: ${fix}.`]
  const problems = []
  const infoPath = join(projectDir, NATIVE_BUILD_INFO)
  const info = existsSync(infoPath) ? readJson(infoPath) : null
  if (!info) return [`${NATIVE_BUILD_INFO} is missing, so nothing says which Electron the addon fits: ${fix}.`]
  if (info.electron !== electronVersion) problems.push(`the addon was built for Electron ${info.electron}, the package uses ${electronVersion}: ${fix}.`)
  const addonVersion = readJson(join(projectDir, 'node_modules', ADDON_PACKAGE, 'package.json')).version
  if (info.addonVersion !== addonVersion) problems.push(`the addon was built from ${ADDON_PACKAGE} ${info.addonVersion}, node_modules has ${addonVersion}: ${fix}.`)
  if (arch !== undefined && info.arch !== arch) problems.push(`the addon was built for ${info.arch}, the package is for ${arch}: ${fix}.`)
  if (platform !== undefined) {
    const builtFor = binaryPlatform(readFileSync(addon))
    const wanted = platform === 'mas' ? 'darwin' : platform
    if (builtFor !== wanted) problems.push(`the addon is a ${builtFor} binary, the package is for ${wanted}: ${fix}.`)
  }
  return problems
}

/** Fuses whose state in the binary is not what `expected` asks for, by name; empty when all hold. */
export function fuseMismatches(expected, wire) {
  const mismatches = []
  for (const [key, value] of Object.entries(expected)) {
    if (key === 'version' || typeof value !== 'boolean') continue
    const want = value ? 49 : 48 // FuseState.ENABLE / DISABLE: ASCII '1' / '0' in the binary
    if (wire[key] !== want) mismatches.push(FuseV1Options[Number(key)] ?? `fuse ${key}`)
  }
  return mismatches
}

/** Flips FUSES in the Electron binary at `binaryPath`, reads them back and fails on any difference. */
export async function flipAndVerifyFuses(binaryPath, { resetAdHocDarwinSignature = false, log = console.log } = {}) {
  await flipFuses(binaryPath, { ...FUSES, resetAdHocDarwinSignature })
  const wire = await getCurrentFuseWire(binaryPath)
  const mismatches = fuseMismatches(FUSES, wire)
  if (mismatches.length > 0) throw new Error(`Fuses not set in ${binaryPath}: ${mismatches.join(', ')}`)
  // A fuse newer than @electron/fuses 1.8 (e.g. WasmTrapHandlers, index 8) keeps Electron's default.
  const unknown = Object.keys(wire).filter((key) => key !== 'version' && !(key in FUSES))
  if (unknown.length > 0) log(`  • fuses ${unknown.join(', ')} are unknown to @electron/fuses 1.8 and keep Electron's defaults`)
  log(`  • fuses flipped and verified in ${binaryPath}: ${JSON.stringify(fusesByName())}`)
}

/**
 * electron-builder's afterPack: the addon is in app.asar.unpacked and fits the target, then the
 * fuses are flipped and verified. Any problem fails the package, so no half-hardened build ships.
 */
export async function afterPack(context) {
  const { appOutDir, electronPlatformName, packager } = context
  const archName = ARCH_NAMES[context.arch] ?? String(context.arch)
  if (archName === 'universal') throw new Error('A universal macOS build needs a universal database addon, which build:native-electron does not make: package per architecture (--x64, --arm64).')

  const resourcesDir = packager.getResourcesDir(appOutDir)
  if (!existsSync(join(resourcesDir, 'app.asar'))) throw new Error(`No app.asar in ${resourcesDir}: the fuses require the app to be packed (asar: true).`)
  const unpacked = join(resourcesDir, 'app.asar.unpacked', NATIVE_ADDON)
  if (!existsSync(unpacked)) throw new Error(`${NATIVE_ADDON} is not in app.asar.unpacked: it must be listed in asarUnpack.`)
  const problems = nativeAddonProblems({
    projectDir: packager.projectDir,
    electronVersion: packager.info.framework.version,
    platform: electronPlatformName,
    arch: NODE_ARCH[archName] ?? archName
  })
  if (problems.length > 0) throw new Error(`The database addon does not fit this package: ${problems.join(' ')}`)

  const binary = electronBinaryPath({
    appOutDir,
    electronPlatformName,
    productFilename: packager.appInfo.productFilename,
    executableName: packager.executableName ?? packager.appInfo.productFilename
  })
  // Flipping fuses breaks an arm64 macOS ad-hoc signature; re-sign ad hoc (a real identity signs after).
  await flipAndVerifyFuses(binary, { resetAdHocDarwinSignature: electronPlatformName === 'darwin' && archName === 'arm64' })
}

/** The electron-builder configuration (https://www.electron.build/configuration). */
export const builderConfig = {
  appId: 'com.gatehouse.console',
  productName: 'Gatehouse',
  directories: { output: 'out/package' },
  // The electron-vite build and the addon built for Electron; electron-builder adds package.json
  // and the production dependencies (electron-vite leaves them external) by itself.
  files: [
    'out/main/**',
    'out/preload/**',
    'out/renderer/**',
    NATIVE_ADDON,
    // The addon's sources and its Node-ABI build: the app loads native/electron instead.
    `!node_modules/${ADDON_PACKAGE}/{build,deps,src}/**`
  ],
  asar: true,
  // A native module cannot be loaded from inside an archive; Electron maps the app.asar path
  // launch.ts builds to app.asar.unpacked for it.
  asarUnpack: [NATIVE_ADDON],
  // The addon is built for Electron separately (build:native-electron); rebuilding node_modules in
  // place would break the Node build that the CLI, the web host and the tests load.
  npmRebuild: false,
  nodeGypRebuild: false,
  buildDependenciesFromSource: false,
  // The fuses are flipped (and verified) in afterPack, not by electron-builder's `electronFuses`.
  afterPack,
  protocols: [{ name: 'Gatehouse invitation', schemes: ['gatehouse'] }],
  publish: null,
  linux: { target: ['AppImage'], category: 'Office' },
  mac: { target: ['dmg'], category: 'public.app-category.business', hardenedRuntime: true },
  win: { target: ['nsis'] }
}
