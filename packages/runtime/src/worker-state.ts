import { StrataError } from '@strata/core';

/**
 * State of a worker. It is `starting` until it connects and joins its consumer group, and
 * `running` while it consumes. It is `draining` from the first shutdown request until its
 * resources are closed, then `stopped`. It ends in `failed` after an error it cannot recover from.
 */
export type WorkerState = 'starting' | 'running' | 'draining' | 'stopped' | 'failed';

const NEXT_STATES: Readonly<Record<WorkerState, readonly WorkerState[]>> = {
  starting: ['running', 'draining', 'failed'],
  running: ['draining', 'failed'],
  draining: ['stopped', 'failed'],
  stopped: [],
  failed: [],
};

export type StateListener = (state: WorkerState, previous: WorkerState) => void;

/** The state of one worker, with the allowed transitions enforced. */
export class WorkerStateMachine {
  #state: WorkerState = 'starting';
  readonly #listeners: StateListener[] = [];

  get state(): WorkerState {
    return this.#state;
  }

  /** Tells whether `next` is allowed from the current state. */
  canMoveTo(next: WorkerState): boolean {
    return NEXT_STATES[this.#state].includes(next);
  }

  /** Moves to `next` and notifies listeners; throws `INTERNAL` on a transition not allowed. */
  moveTo(next: WorkerState): void {
    if (!this.canMoveTo(next)) {
      throw new StrataError('INTERNAL', `worker cannot move from ${this.#state} to ${next}`, {
        details: { from: this.#state, to: next },
      });
    }

    const previous = this.#state;
    this.#state = next;
    for (const listener of this.#listeners) {
      listener(next, previous);
    }
  }

  onChange(listener: StateListener): void {
    this.#listeners.push(listener);
  }
}
