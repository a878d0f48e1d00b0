import type { TextSink } from '../command-io.ts';

export interface ProgressOptions {
  sink: TextSink;
  /** Draw a bar redrawn in place (a terminal), or write plain lines (a pipe or log file). */
  tty: boolean;
  clock: () => number;
  /** Items expected in total, when known; the bar and the ETA need it. */
  total?: number;
  /** Items done by earlier runs, such as a resumed replay. */
  done?: number;
  /** Plural noun of the items, such as `analyses`. */
  unit: string;
  /** Minimum time between two plain lines. Default 5 s. */
  lineIntervalMs?: number;
}

const BAR_WIDTH = 30;

/**
 * Reports progress with the rate since start and the ETA: on a terminal as a bar redrawn at most
 * ten times a second, otherwise as a plain line every `lineIntervalMs`.
 */
export class ProgressReporter {
  readonly #options: ProgressOptions;
  readonly #startedAt: number;
  readonly #doneBefore: number;
  #done: number;
  #lastDrawAt = Number.NEGATIVE_INFINITY;

  constructor(options: ProgressOptions) {
    this.#options = options;
    this.#startedAt = options.clock();
    this.#doneBefore = options.done ?? 0;
    this.#done = this.#doneBefore;
  }

  get done(): number {
    return this.#done;
  }

  /** Counts `count` more items done and redraws when it is time. */
  advance(count: number): void {
    this.#done += count;
    const now = this.#options.clock();
    const interval = this.#options.tty ? 100 : (this.#options.lineIntervalMs ?? 5000);
    if (now - this.#lastDrawAt >= interval) {
      this.#lastDrawAt = now;
      this.#draw(now);
    }
  }

  /** Draws the final state and ends the bar's line. */
  finish(): void {
    this.#draw(this.#options.clock());
    if (this.#options.tty) this.#options.sink.write('\n');
  }

  #draw(now: number): void {
    const text = this.describe(now);
    this.#options.sink.write(this.#options.tty ? `\r\x1b[2K${this.#bar()} ${text}` : `${text}\n`);
  }

  /** Returns `N/TOTAL UNIT, R/s, ETA Xs` for the given time. */
  describe(now: number): string {
    const { total, unit } = this.#options;
    const seconds = Math.max((now - this.#startedAt) / 1000, 0.001);
    const rate = (this.#done - this.#doneBefore) / seconds;
    const count = total === undefined ? `${this.#done} ${unit}` : `${this.#done}/${total} ${unit}`;
    const parts = [count, `${rate.toFixed(1)}/s`];
    if (total !== undefined && rate > 0) {
      parts.push(`ETA ${formatDuration(Math.max(total - this.#done, 0) / rate)}`);
    }

    return parts.join(', ');
  }

  #bar(): string {
    const total = this.#options.total;
    if (total === undefined || total === 0) return '';

    const filled = Math.min(BAR_WIDTH, Math.round((this.#done / total) * BAR_WIDTH));

    return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${Math.floor((this.#done / total) * 100)}%`;
  }
}

/** Formats seconds as `42s`, `3m05s` or `2h07m`. */
export function formatDuration(seconds: number): string {
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;

  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}
