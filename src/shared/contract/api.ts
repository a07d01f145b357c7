import type { ChannelName, InputOf, OutputOf } from './index'
import type { EventName, EventPayload } from './events'
import type { Result } from './result'

/**
 * What the renderer sees as `window.gatehouse`: exposed by the preload in Electron, and by a
 * WebSocket adapter of the same shape when the renderer is served by the web host.
 */
export interface GatehouseApi {
  invoke<C extends ChannelName>(channel: C, input: InputOf<C>): Promise<Result<OutputOf<C>>>
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}
