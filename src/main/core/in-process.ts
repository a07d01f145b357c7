import { systemClock, type Clock } from './clock'
import { Core } from './core'
import type { CoreClient, CoreOptions } from './host'
import { openStore } from './store/connection'

export interface InProcessOptions extends CoreOptions {
  clock?: Clock
  /** Idle sweep / daily signing timer period; 0 turns the timer off (tests call `core.tick()`). */
  tickMs?: number
}

export function openCore(options: InProcessOptions): Core {
  const store = openStore(options.dataDir, options.keySource, { create: options.create, nativeBinding: options.nativeBinding })
  return new Core({ store, dataDir: options.dataDir, clock: options.clock ?? systemClock, tickMs: options.tickMs ?? 15_000 })
}

/** The core in this thread: unit tests, the CLI. Same surface as the worker. */
export async function createInProcessCore(options: InProcessOptions): Promise<CoreClient & { core: Core }> {
  const core = openCore(options)
  return {
    core,
    connect: async (meta) => core.connect(meta),
    disconnect: async (connectionId) => core.disconnect(connectionId),
    call: (connectionId, channel, input) => core.dispatch(connectionId, channel, input),
    onEvent: (listener) => core.onEvent(listener),
    close: async () => core.close()
  }
}
