import { fileURLToPath, pathToFileURL } from 'node:url'

/**
 * Source runs (tests) load the TypeScript worker through tsx. Node 20 ignores `--import` in a
 * worker's execArgv (nodejs/node#47747), so a tiny ESM entry registers tsx's hooks and then
 * imports the worker.
 */
function tsxBootstrap(path: string): URL {
  const api = import.meta.resolve('tsx/esm/api')
  const code = `import { register } from ${JSON.stringify(api)};\nregister();\nawait import(${JSON.stringify(pathToFileURL(path).href)});\n`
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`)
}

/** What `new Worker` takes for a worker file: built JavaScript as it is, TypeScript source through tsx. */
export function workerEntry(file: string | URL): string | URL {
  const path = typeof file === 'string' ? file : fileURLToPath(file)
  return path.endsWith('.ts') ? tsxBootstrap(path) : path
}
