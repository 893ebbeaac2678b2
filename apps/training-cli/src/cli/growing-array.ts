/** The typed arrays a log's columns are kept in. */
export type NumberArray = Float64Array | Int32Array | Uint32Array | Int8Array | Uint8Array;

/**
 * A typed array that grows by doubling while a log is read: a column of a million decisions
 * takes 8 bytes a cell (or 1), where a `number[]` of them would take several times that, boxed
 * and resized in steps the reader does not control.
 */
export class GrowingArray<T extends NumberArray> {
  private values: T;
  private count = 0;

  constructor(private readonly make: (length: number) => T) {
    this.values = make(1024);
  }

  get length(): number {
    return this.count;
  }

  push(value: number): void {
    if (this.count === this.values.length) this.grow(this.count + 1);
    this.values[this.count++] = value;
  }

  pushAll(values: ArrayLike<number>): void {
    if (this.count + values.length > this.values.length) this.grow(this.count + values.length);
    for (let i = 0; i < values.length; i++) this.values[this.count++] = values[i];
  }

  /** Empties the array, keeping its memory for the next values. */
  clear(): void {
    this.count = 0;
  }

  /** The value pushed `index`-th (from 0), one below `length`. */
  at(index: number): number {
    return this.values[index];
  }

  /** The values pushed, in a typed array of exactly their length (a copy). */
  toArray(): T {
    return this.values.slice(0, this.count) as T;
  }

  private grow(needed: number): void {
    let length = this.values.length * 2;
    while (length < needed) length *= 2;
    const larger = this.make(length);
    larger.set(this.values);
    this.values = larger;
  }
}
