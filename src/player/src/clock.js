/** @typedef {import('./types.js').Clock} Clock */

/** @returns {Clock} the browser's clocks */
export function systemClock() {
  return {
    now: () => performance.now(),
    wallNow: () => Date.now(),
    setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(/** @type {any} */ (handle)),
  };
}

/**
 * The server's clock as seen from here. Client times sent to the server are corrected by it, so a device whose
 * clock is minutes off still has its pings accepted (the server refuses times more than 5 minutes ahead) and
 * counted for the right day.
 */
export class ServerClock {
  /** @param {Clock} clock */
  constructor(clock) {
    this.clock = clock;
    this.offset = 0;
  }

  /** Epoch ms on the server's clock. */
  now() {
    return Math.round(this.clock.wallNow() + this.offset);
  }

  /**
   * Learns the offset from a response's `Date` header. `Date` has whole seconds, so the server's time lay
   * somewhere in [date, date + 1 s) while the client's lay in [sent, received]; an offset smaller than that
   * uncertainty is no evidence of a skew and leaves the clock alone.
   * @param {string|null} dateHeader
   * @param {number} sentWall
   * @param {number} receivedWall
   */
  observe(dateHeader, sentWall, receivedWall) {
    if (!dateHeader) return;
    const server = Date.parse(dateHeader);
    if (Number.isNaN(server)) return;
    const estimate = server + 500 - (sentWall + receivedWall) / 2;
    const uncertainty = 500 + (receivedWall - sentWall) / 2;
    this.offset = Math.abs(estimate) > uncertainty ? estimate : 0;
  }
}
