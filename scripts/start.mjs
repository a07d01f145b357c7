#!/usr/bin/env node
// `npm start`: build, then launch the desktop app; where Electron cannot run (its binary was never
// downloaded, or there is no display), say why in one line and serve the same app on 127.0.0.1.
// Arguments pass through: `npm start -- --data-dir DIR --port 8080` (--port is for the web host), and
// so do `--store postgres://…` and GATEHOUSE_STORE (the environment is inherited) for `serve`.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)

/** Builds quietly: the build's own output appears only when it fails. */
function build() {
  const result = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: root,
    encoding: 'utf8'
  })
  if (result.status !== 0) {
    process.stderr.write(result.stdout ?? '')
    process.stderr.write(result.stderr ?? '')
    console.error(`The build failed${result.error ? `: ${result.error.message}` : ''}.`)
    process.exit(result.status || 1)
  }
}

/**
 * The Electron binary, or why it cannot run here. Never `require('electron')`: when the binary
 * is missing that call tries to download it, which has no business happening on start.
 */
function electronLauncher(env = process.env, platform = process.platform) {
  const pkg = join(root, 'node_modules/electron')
  const pathFile = join(pkg, 'path.txt')
  const notInstalled = { binary: null, reason: 'Electron runtime is not installed here' }
  if (!existsSync(pathFile)) return notInstalled
  const relative = readFileSync(pathFile, 'utf8').trim()
  const binary = env.ELECTRON_OVERRIDE_DIST_PATH ? join(env.ELECTRON_OVERRIDE_DIST_PATH, relative) : join(pkg, 'dist', relative)
  if (!relative || !existsSync(binary)) return notInstalled
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return { binary: null, reason: 'No display here (neither DISPLAY nor WAYLAND_DISPLAY is set)' }
  }
  return { binary, reason: null }
}

/** Runs a child with our stdio and leaves with its exit code; Ctrl-C reaches it, not just us. */
function runToEnd(command, commandArgs, env) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', env })
  const forward = (signal) => child.kill(signal)
  process.on('SIGINT', forward)
  process.on('SIGTERM', forward)
  child.on('error', (error) => {
    console.error(`Could not start ${command}: ${error.message}`)
    process.exit(1)
  })
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
}

build()
const launcher = electronLauncher()
if (launcher.binary) {
  // ELECTRON_RUN_AS_NODE would turn the binary into plain Node and ignore the app.
  const { ELECTRON_RUN_AS_NODE: _ignored, ...env } = process.env
  runToEnd(launcher.binary, ['.', ...args], env)
} else {
  console.log(`${launcher.reason}; starting the web host instead.`)
  runToEnd(process.execPath, [join(root, 'out/main/cli.js'), 'serve', ...args], process.env)
}
