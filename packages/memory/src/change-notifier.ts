/** Wakes every waiter when something changes, such as consumer loops waiting for records. */
export class ChangeNotifier {
  #waiters = new Set<() => void>();
  #version = 0;

  /** Count of `notify()` calls so far; a waiter reads it before it checks for work. */
  get version(): number {
    return this.#version;
  }

  /**
   * Resolves on the next `notify()` or when `signal` aborts. Resolves at once when a notification
   * came after `seenVersion` was read, so a change between the check and the wait is not lost.
   */
  wait(signal: AbortSignal, seenVersion: number): Promise<void> {
    if (signal.aborted || seenVersion !== this.#version) {
      return Promise.resolve();
    }

    return new Promise((resolve) => {
      const wake = (): void => {
        this.#waiters.delete(wake);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      this.#waiters.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  notify(): void {
    this.#version += 1;
    for (const wake of [...this.#waiters]) {
      wake();
    }
  }
}

/** Resolves after `ms` milliseconds, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) {
    return Promise.resolve();
  }

  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
