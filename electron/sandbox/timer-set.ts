/**
 * Every timeout a sandbox part arms goes through one of these, so `close()` can clear them all at once and a test can
 * check that nothing is left behind (a forgotten timer keeps the process alive).
 */
export class TimerSet {
  readonly #handles = new Set<ReturnType<typeof setTimeout>>();

  /** Runs `fn` after `ms`; returns a cancel function. */
  after(ms: number, fn: () => void): () => void {
    const handle = setTimeout(() => {
      this.#handles.delete(handle);
      fn();
    }, ms);
    this.#handles.add(handle);
    return () => {
      clearTimeout(handle);
      this.#handles.delete(handle);
    };
  }

  get size(): number {
    return this.#handles.size;
  }

  clear(): void {
    for (const handle of this.#handles) clearTimeout(handle);
    this.#handles.clear();
  }
}
