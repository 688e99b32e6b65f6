// Retrying what the network broke: exponential backoff with jitter, capped, never past a deadline.
export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

export class Backoff {
  private attempt = 0;
  constructor(private readonly firstMs = 100, private readonly maxMs = 2_000) {}

  /** The next delay, or undefined when it would end after `until`. */
  next(until: number, now = Date.now()): number | undefined {
    const base = Math.min(this.maxMs, this.firstMs * 2 ** this.attempt++);
    const delay = base / 2 + Math.random() * (base / 2);
    return now + delay > until ? (until > now ? until - now : undefined) : delay;
  }

  reset(): void {
    this.attempt = 0;
  }
}
