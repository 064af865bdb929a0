/**
 * The one clock every benchmark compares across processes: wall-clock epoch milliseconds with sub-millisecond
 * resolution. Node and Chromium both define `performance.timeOrigin` as the epoch time of their start, so
 * `timeOrigin + now()` in the sandbox, in a core child process and in a page are comparable on one machine.
 */
export const wallNow = (): number => performance.timeOrigin + performance.now();

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every `intervalMs` until it is truthy; throws after `timeoutMs`. Never asserts on time. */
export async function until<T>(
  probe: () => T | Promise<T>,
  what: string,
  { timeoutMs = 60_000, intervalMs = 10 } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
