#!/usr/bin/env node
// `npm run build:native-electron`: builds the better-sqlite3-multiple-ciphers addon for Electron's
// ABI into native/electron/better_sqlite3.node, which the desktop app loads through better-sqlite3's
// `nativeBinding` option (src/main/shell/launch.ts).
//
// Why separately: tests, the CLI and the web host run on Node and load the addon npm built in
// node_modules. Rebuilding that one in place for Electron (electron-rebuild's way) would break
// them. So this copies the package to a temp folder and builds the copy there:
//   node-gyp rebuild --release --target=<node_modules/electron version> --runtime=electron
//                    --dist-url=https://electronjs.org/headers --arch=<this machine>
// It needs a C/C++ toolchain and Python (as any node-gyp build), plus the network to fetch
// Electron's headers, unless you pass --nodedir DIR pointing at already-unpacked headers.
// Not run in CI (no network there); run it once on a desktop machine before `npm start`.
//
// Options: --arch ARCH (default: this machine's), --nodedir DIR, --dry-run (print the plan only).
import { spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const ADDON = 'better-sqlite3-multiple-ciphers'
const sourceDir = join(root, 'node_modules', ADDON)
const targetDir = join(root, 'native', 'electron')
const target = join(targetDir, 'better_sqlite3.node')

function option(name) {
  const argv = process.argv.slice(2)
  const at = argv.findIndex((arg) => arg === name || arg.startsWith(`${name}=`))
  if (at === -1) return undefined
  const arg = argv[at]
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[at + 1]
}

function die(message) {
  console.error(`build:native-electron: ${message}`)
  process.exit(1)
}

function readVersion(pkgDir) {
  return JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version
}

/** npm ships node-gyp; prefer the one npm tells scripts about, then npm's own, then a local install. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')
  ]
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate
  try {
    return createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js')
  } catch {
    return null
  }
}

if (!existsSync(join(root, 'node_modules', 'electron', 'package.json'))) die('node_modules/electron is missing; run npm install first.')
if (!existsSync(join(sourceDir, 'binding.gyp'))) die(`node_modules/${ADDON} is missing; run npm install first.`)

const electronVersion = readVersion(join(root, 'node_modules', 'electron'))
const arch = option('--arch') ?? process.arch
const nodedir = option('--nodedir')
const nodeGyp = findNodeGyp()
if (!nodeGyp) die('node-gyp was not found (it ships with npm); install it with "npm i -g node-gyp".')

const gypArgs = [
  'rebuild',
  '--release',
  `--target=${electronVersion}`,
  '--runtime=electron',
  '--dist-url=https://electronjs.org/headers',
  `--arch=${arch}`,
  ...(nodedir ? [`--nodedir=${resolve(nodedir)}`] : [])
]

console.log(`Building ${ADDON} ${readVersion(sourceDir)} for Electron ${electronVersion} (${arch}).`)
if (process.argv.includes('--dry-run')) {
  console.log(`node ${nodeGyp} ${gypArgs.join(' ')}`)
  console.log(`then copy build/Release/better_sqlite3.node to ${relative(root, target)}`)
  process.exit(0)
}

const work = mkdtempSync(join(tmpdir(), 'gatehouse-native-'))
try {
  const pkgDir = join(work, ADDON)
  // The copy leaves out the Node build, so nothing of it can end up in the Electron one.
  const nodeBuild = join(sourceDir, 'build')
  cpSync(sourceDir, pkgDir, { recursive: true, filter: (path) => path !== nodeBuild && !path.startsWith(nodeBuild + sep) })

  // A nodedir from the user's npm config would point node-gyp at Node's headers, not Electron's.
  const env = { ...process.env }
  for (const key of Object.keys(env)) if (key.toLowerCase() === 'npm_config_nodedir') delete env[key]

  const result = spawnSync(process.execPath, [nodeGyp, ...gypArgs], { cwd: pkgDir, stdio: 'inherit', env })
  if (result.status !== 0) throw new Error(`node-gyp failed (exit ${result.status ?? result.signal}); see its output above.`)

  const built = join(pkgDir, 'build', 'Release', 'better_sqlite3.node')
  if (!existsSync(built)) throw new Error('node-gyp succeeded but build/Release/better_sqlite3.node is missing.')
  mkdirSync(targetDir, { recursive: true })
  copyFileSync(built, target)
  // Lets a later reader tell which Electron the file matches (an upgrade needs a rebuild).
  writeFileSync(
    join(targetDir, 'build-info.json'),
    `${JSON.stringify({ addon: ADDON, addonVersion: readVersion(sourceDir), electron: electronVersion, arch, builtAt: new Date().toISOString() }, null, 2)}\n`
  )
  console.log(`Wrote ${relative(root, target)}.`)
} catch (error) {
  process.exitCode = 1
  console.error(`build:native-electron: ${error.message}`)
} finally {
  // The temp copy goes either way; it holds a few hundred MB of objects.
  rmSync(work, { recursive: true, force: true })
}
