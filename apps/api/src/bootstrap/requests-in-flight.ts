import type { ServerResponse } from 'node:http';

/**
 * The HTTP requests being answered, so that a shutdown can let them finish before the modules —
 * the database pool among them — are destroyed (Nest's `close()` destroys the modules first and
 * closes the HTTP server after). WebSocket upgrades are not counted: they last as long as the
 * client stays, and closing the HTTP server ends them.
 */
export class RequestsInFlight {
  private count = 0;
  private waiters: (() => void)[] = [];

  /** Counts a request until its response is finished or its connection closed. */
  track(response: ServerResponse): void {
    this.count++;
    response.once('close', () => {
      this.count--;
      if (this.count === 0) for (const wake of this.waiters.splice(0)) wake();
    });
  }

  get size(): number {
    return this.count;
  }

  /** Resolves once no request is in flight, or after `timeoutMs`. @returns how many were still running */
  async settled(timeoutMs: number): Promise<number> {
    if (this.count > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        timer = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(timer);
    }
    return this.count;
  }
}
