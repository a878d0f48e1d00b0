const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/**
 * A seeded pseudo-random generator (mulberry32), so that every benchmark run stores the same
 * images and the figures of two runs compare. Not for anything that needs secrecy.
 */
export class SeededRandom {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** Returns a float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let value = this.#state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);

    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** Returns an integer in [min, max], both included. */
  integer(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Returns true with probability `probability`. */
  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** Returns one element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) {
      throw new Error('pick from an empty list');
    }

    return item;
  }

  /** Returns a `sha256:` digest of 64 random hex digits. */
  digest(): string {
    let hex = 'sha256:';
    for (let word = 0; word < 8; word += 1) {
      const value = Math.floor(this.next() * 4_294_967_296);
      hex += HEX[value >>> 24] ?? '00';
      hex += HEX[(value >>> 16) & 0xff] ?? '00';
      hex += HEX[(value >>> 8) & 0xff] ?? '00';
      hex += HEX[value & 0xff] ?? '00';
    }

    return hex;
  }
}
