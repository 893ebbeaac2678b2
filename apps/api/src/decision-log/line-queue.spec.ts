import { LineBatch, LineChunk, lineChunk, LineQueue, SLAB_BYTES, SlabPool } from './line-queue';

const line = (n: number) => lineChunk(`{"n":${n}}\n`, 1);
const text = (batch: LineBatch | undefined) => Buffer.concat(batch?.parts ?? []).toString();

describe(LineQueue.name, () => {
  it('takes the oldest chunks first, up to the bytes asked for, at least one', () => {
    const sut = new LineQueue(1000);
    for (let n = 1; n <= 4; n++) sut.push(line(n));

    expect(text(sut.take(20))).toBe('{"n":1}\n{"n":2}\n');
    expect(text(sut.take(1))).toBe('{"n":3}\n');
    expect(sut.take(1000)).toMatchObject({ parts: [Buffer.from('{"n":4}\n')], lines: 1, bytes: 8 });
    expect(sut.take(1000)).toBeUndefined();
    expect([sut.bytes, sut.lines]).toEqual([0, 0]);
  });

  it('drops the oldest chunks to make room, and returns the lines dropped', () => {
    const sut = new LineQueue(24);
    expect([1, 2, 3].map((n) => sut.push(line(n)))).toEqual([0, 0, 0]);

    expect(sut.push(lineChunk('{"n":4}\n{"n":5}\n', 2))).toBe(2);

    const taken = sut.take(100);
    expect(text(taken)).toBe('{"n":3}\n{"n":4}\n{"n":5}\n');
    expect([taken?.parts.length, taken?.lines, taken?.bytes]).toEqual([2, 3, 24]);
  });

  it('refuses a chunk larger than the whole queue, keeping what it holds', () => {
    const sut = new LineQueue(10);
    sut.push(line(1));

    expect(sut.push(lineChunk('x'.repeat(11), 3))).toBe(3);

    expect([sut.bytes, sut.lines]).toEqual([8, 1]);
  });

  it('counts bytes, not characters', () => {
    expect(lineChunk('é\n', 1)).toEqual({ data: Buffer.from('é\n'), lines: 1, bytes: 3 });
  });

  it('clears, returning the lines it held', () => {
    const sut = new LineQueue(100);
    sut.push(line(1));
    sut.push(lineChunk('{"n":2}\n{"n":3}\n', 2));

    expect(sut.clear()).toBe(3);
    expect(sut.take(100)).toBeUndefined();
  });

  it('releases the chunks it drops, refuses or clears, and a batch releases the chunks taken', () => {
    const released: number[] = [];
    const chunk = (n: number, text = `{"n":${n}}\n`): LineChunk => ({
      ...lineChunk(text, 1),
      release: () => released.push(n),
    });
    const sut = new LineQueue(24);
    for (let n = 1; n <= 3; n++) sut.push(chunk(n));

    sut.push(chunk(4));
    expect(released).toEqual([1]);
    sut.push(chunk(5, 'x'.repeat(25)));
    expect(released).toEqual([1, 5]);
    const batch = sut.take(16) as LineBatch;
    expect(released).toEqual([1, 5]);
    batch.release();
    expect(released).toEqual([1, 5, 2, 3]);
    sut.clear();
    expect(released).toEqual([1, 5, 2, 3, 4]);
  });
});

describe(SlabPool.name, () => {
  it('cuts side by side from a slab, and reuses it once every cut from it is released', () => {
    const sut = new SlabPool();
    const first = sut.cut(100);
    const second = sut.cut(100);
    expect(second.data.buffer).toBe(first.data.buffer);
    expect(second.data.byteOffset).toBe(first.data.byteOffset + 100);

    // What does not fit the slab's rest starts another; the first is reused once released.
    const third = sut.cut(SLAB_BYTES - 100);
    expect(third.data.buffer).not.toBe(first.data.buffer);
    first.release();
    second.release();
    second.release();
    const fourth = sut.cut(200);
    expect(fourth.data.buffer).toBe(first.data.buffer);
    expect(fourth.data.byteOffset).toBe(first.data.byteOffset);
  });

  it('gives a cut larger than a slab memory of its own', () => {
    const sut = new SlabPool();
    const small = sut.cut(10);
    const large = sut.cut(SLAB_BYTES + 1);

    expect(large.data.length).toBe(SLAB_BYTES + 1);
    expect(large.data.buffer).not.toBe(small.data.buffer);
    // The slab being cut from is not left for it.
    expect(sut.cut(10).data.byteOffset).toBe(small.data.byteOffset + 10);
  });
});
