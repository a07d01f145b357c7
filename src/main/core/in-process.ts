import { systemClock, type Clock } from './clock'
import { Core } from './core'
import type { CoreClient, CoreOptions } from './host'
import { openChosenStore } from './store/open'

export interface InProcessOptions extends CoreOptions {
  clock?: Clock
  /** Idle sweep / daily signing timer period; 0 turns the timer off (tests call `core.tick()`). */
  tickMs?: number
  /** Check every output against its contract schema (tests). */
  checkOutputs?: boolean
}

export async function openCore(options: InProcessOptions): Promise<Core> {
  const store = await openChosenStore({
    dataDir: options.dataDir,
    store: options.store,
    keySource: options.keySource,
    create: options.create,
    nativeBinding: options.nativeBinding,
    acceptLoss: options.acceptLoss
  })
  try {
    return await Core.open({
      store,
      dataDir: options.dataDir,
      clock: options.clock ?? systemClock,
      tickMs: options.tickMs ?? 15_000,
      checkOutputs: options.checkOutputs
    })
  } catch (error) {
    await store.close()
    throw error
  }
}

/** The core in this thread: unit tests, the CLI. Same surface as the worker. */
export async function createInProcessCore(options: InProcessOptions): Promise<CoreClient & { core: Core }> {
  const core = await openCore(options)
  return {
    core,
    connect: async (meta) => core.connect(meta),
    disconnect: (connectionId) => core.disconnect(connectionId),
    call: (connectionId, channel, input) => core.dispatch(connectionId, channel, input),
    onEvent: (listener) => core.onEvent(listener),
    close: () => core.close()
  }
}
