import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        // index: the Electron main process; worker: the core in a worker thread; job-worker: the
        // core's heavy reads on a thread and connection of their own; verify-worker: a chunk of the
        // audit ledger's integrity check; cli: the `gatehouse` command (plain Node: never imports electron).
        input: {
          index: resolve('src/main/index.ts'),
          worker: resolve('src/main/core/worker.ts'),
          'job-worker': resolve('src/main/core/jobs/job-worker.ts'),
          'verify-worker': resolve('src/main/core/audit/verify-worker.ts'),
          cli: resolve('src/main/cli/index.ts')
        },
        // Shared chunks sit beside worker.js, so worker-client's `new URL('./worker.js', import.meta.url)`
        // resolves from whichever file it was bundled into.
        output: { chunkFileNames: '[name]-[hash].js' }
      }
    }
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload can require only 'electron': bundle zod (pulled in by the contract's lists).
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        // The sandbox only runs CommonJS preloads.
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: 'src/renderer',
    base: './',
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } }
    },
    plugins: [react()]
  }
})
