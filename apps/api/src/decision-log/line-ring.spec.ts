import { SlabPool } from './line-queue';
import { LineRing } from './line-ring';

/** A writer and a reader of one ring of `bytes`, as the event loop and the log thread hold them. */
function ring(bytes: number) {
  const writer = LineRing.create(bytes);
  return { writer, reader: new LineRing(writer.memory) };
}

const textOf = (chunk: { data: Buffer } | undefined) => chunk?.data.toString();

describe(LineRing.name, () => {
  it('hands the reader what was written since it last took, in order, with the lines counted', () => {
    const { writer, reader } = ring(1024);
    expect(reader.take()).toBeUndefined();

    expect(writer.write('{"n":1}\n', 1)).toBe(true);
    expect(writer.write('{"n":2}\n{"n":3}\n', 2)).toBe(true);
    // Headers of 8 bytes, each record's bytes rounded up to 4.
    expect(writer.used).toBe(8 + 8 + 8 + 16);

    expect(reader.take()).toMatchObject({ lines: 3, bytes: 24 });
    expect(writer.used).toBe(0);
    expect(reader.take()).toBeUndefined();
    writer.write('é\n', 1);
    expect(reader.take()).toMatchObject({ data: Buffer.from('é\n'), lines: 1, bytes: 3 });
  });

  it('goes round: every piece comes out once and in order, across the end many times', () => {
    const { writer, reader } = ring(256);
    const sent: string[] = [];
    let received = '';
    let lines = 0;
    for (let n = 0; n < 500; n++) {
      const piece = `{"n":${n},"pad":"${'x'.repeat(n % 37)}"}\n`;
      if (!writer.write(piece, 1)) {
        const chunk = reader.take();
        received += textOf(chunk);
        lines += chunk?.lines ?? 0;
        expect(writer.write(piece, 1)).toBe(true);
      }
      sent.push(piece);
    }
    const rest = reader.take();
    received += textOf(rest);
    lines += rest?.lines ?? 0;

    expect(received).toBe(sent.join(''));
    expect(lines).toBe(500);
  });

  it('refuses a piece the room left cannot hold, and never fills up to the reader', () => {
    const { writer, reader } = ring(64);
    // Records of 8 + 12 bytes: at their longest (30 bytes of UTF-8, 8 + 32), the first two fit.
    expect(writer.write('a'.repeat(10), 1)).toBe(true);
    expect(writer.write('b'.repeat(10), 1)).toBe(true);
    // 24 bytes left: 'c' fits as its exact 20 bytes, not at its longest.
    expect(writer.write('c'.repeat(10), 1)).toBe(true);
    expect(writer.write('dd', 1)).toBe(false);
    expect(reader.take()).toMatchObject({ lines: 3, bytes: 30 });

    // 4 bytes left before the end: the writer goes on at the front, now left by the reader.
    expect(writer.write('dd', 1)).toBe(true);
    // 48 bytes between the writer (12) and the reader (60): a record of 48 would meet it.
    expect(writer.write('é'.repeat(20), 1)).toBe(false);
    expect(writer.write('é'.repeat(18), 1)).toBe(true);
    expect(writer.used).toBe(64 - 60 + 56);
    expect(reader.take()).toEqual({
      data: Buffer.from(`dd${'é'.repeat(18)}`),
      lines: 2,
      bytes: 38,
      release: undefined,
    });
    expect(writer.used).toBe(0);
  });

  it('copies into room cut from a pool, released with the chunk', () => {
    const { writer, reader } = ring(1024);
    const pool = new SlabPool();
    writer.write('{"n":1}\n', 1);

    const chunk = reader.take(pool);

    expect(textOf(chunk)).toBe('{"n":1}\n');
    expect(chunk?.release).toEqual(expect.any(Function));
    expect(pool.cut(8).data.byteOffset).toBe((chunk?.data.byteOffset ?? NaN) + 8);
  });
});
