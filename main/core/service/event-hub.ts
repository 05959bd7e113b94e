import type { EventMap, EventName } from '../../api/contract.js';

export type EventListener = <E extends EventName>(event: E, payload: EventMap[E]) => void;

/** Fans service events out to every transport (IPC windows, SSE clients, the tray). */
export class EventHub {
  #listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    for (const listener of this.#listeners) {
      try {
        listener(event, payload);
      } catch {
        // One broken subscriber (a closed window, a dropped socket) must not starve the others.
      }
    }
  }
}
