/**
 * Runs at most one refresh at a time: callers that arrive while one is in flight get the same
 * promise, so a slow source is called once however many readers wait on it.
 */
export class SingleFlight<T> {
  #inFlight: Promise<T> | undefined;

  get busy(): boolean {
    return this.#inFlight !== undefined;
  }

  run(work: () => T | Promise<T>): Promise<T> {
    if (this.#inFlight) return this.#inFlight;
    // Starting on a microtask keeps a synchronous throw inside the promise, after #inFlight is set.
    const flight = Promise.resolve().then(work);
    this.#inFlight = flight;
    const clear = () => {
      if (this.#inFlight === flight) this.#inFlight = undefined;
    };
    flight.then(clear, clear);
    return flight;
  }
}
