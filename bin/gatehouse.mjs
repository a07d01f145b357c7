#!/usr/bin/env node
// The `gatehouse` command. In a source checkout it rebuilds first when out/ is missing or older
// than src/ (so `npm run gatehouse -- …` never runs stale code), then hands argv to out/main/cli.js.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const cli = join(root, 'out/main/cli.js')
// Everything `serve` needs; any one missing means a partial build.
const outputs = [cli, join(root, 'out/main/worker.js'), join(root, 'out/renderer/index.html')]

function newestMtime(dir) {
  let newest = 0
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return 0
  }
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path))
    else if (entry.isFile()) newest = Math.max(newest, statSync(path).mtimeMs)
  }
  return newest
}

function isStale() {
  if (!outputs.every((file) => existsSync(file))) return true
  // An installed package has no src/: its out/ is what it ships.
  return newestMtime(join(root, 'src')) > statSync(cli).mtimeMs
}

if (isStale()) {
  const result = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: root,
    encoding: 'utf8'
  })
  if (result.status !== 0) {
    process.stderr.write(result.stdout ?? '')
    process.stderr.write(result.stderr ?? '')
    console.error(`gatehouse: the build failed${result.error ? `: ${result.error.message}` : ''}.`)
    process.exit(result.status || 1)
  }
}

// cli.js runs itself only when it is argv[1]; from here, call its `main` with the same argv shape.
const { main } = await import(pathToFileURL(cli).href)
process.exitCode = await main(process.argv)
