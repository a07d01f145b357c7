#!/usr/bin/env node
// `npm run package [-- <electron-builder options>]`: the desktop app as an installer for this OS
// (AppImage, dmg or NSIS; `-- --dir` for the unpacked folder only), in out/package/.
//   1. checks native/electron/better_sqlite3.node was built for this Electron and addon version
//      (`npm run build:native-electron`), before a long build finds out;
//   2. `electron-vite build`;
//   3. electron-builder with electron-builder.config.js (scripts/packaging.mjs): app.asar with the
//      addon unpacked, no npm rebuild, then the afterPack hook checks the addon against the target
//      OS and architecture and flips and verifies the fuses; never publishes.
// electron-builder fetches the Electron zip for the target (checksum-verified, cached by
// @electron/get) unless given one: `npm run package -- -c.electronDist=DIR`.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { nativeAddonProblems } from './packaging.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)
const args = process.argv.slice(2)

function die(message) {
  console.error(`package: ${message}`)
  process.exit(1)
}

function run(label, script, scriptArgs) {
  const result = spawnSync(process.execPath, [script, ...scriptArgs], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) die(`${label} failed (exit ${result.status ?? result.signal}); see its output above.`)
}

const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version
// The target OS and architecture may differ from this machine's (--arm64, --win…): afterPack checks those.
const problems = nativeAddonProblems({ projectDir: root, electronVersion })
if (problems.length > 0) die(problems.join(' '))

const electronVite = join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js')
run('electron-vite build', electronVite, ['build'])
run('electron-builder', require.resolve('electron-builder/cli.js'), ['--config', 'electron-builder.config.js', '--publish', 'never', ...args])
