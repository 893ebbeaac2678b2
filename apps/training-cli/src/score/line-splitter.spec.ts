import { LinePiece, LineSplitter } from './line-splitter';

/**
 * A line as the scorer meets it: its bytes with their newline, or the length of one over the
 * cap; a piece whose counts do not match its bytes shows up as `miscounted`.
 */
type Line = string | { tooLong: number } | { miscounted: LinePiece };

/** What the splitter says of a whole input fed in these chunks, one entry per line. */
function linesOf(chunks: Buffer[], maxLineBytes: number): Line[] {
  const sut = new LineSplitter(maxLineBytes);
  const pieces: LinePiece[] = [...chunks.flatMap((chunk) => sut.push(chunk)), ...sut.end()];
  return pieces.flatMap((piece): Line[] => {
    if (piece.kind === 'too-long') return [{ tooLong: piece.bytes }];
    const text = Buffer.concat(piece.parts).toString('latin1');
    const lines = text.split(/(?<=\n)/);
    // A piece says how many lines and bytes it holds, for line numbers and the copy.
    const counted = piece.lines === lines.length && piece.bytes === text.length;
    return counted ? lines : [{ miscounted: piece }];
  });
}

describe(LineSplitter.name, () => {
  const max = 8;
  const input = [
    '{"a":1}\n',
    '\n',
    '12345678\r\n', // 8 bytes before its CRLF: at the cap
    '123456789\n', // one over
    '\r\n',
    '1234567\r\r\n', // the first CR belongs to the line: 8 bytes
    'x'.repeat(40) + '\r\n',
    '12345678\n',
    'tail',
  ].join('');
  const expected: Line[] = [
    '{"a":1}\n',
    '\n',
    '12345678\r\n',
    { tooLong: 9 },
    '\r\n',
    '1234567\r\r\n',
    { tooLong: 40 },
    '12345678\n',
    'tail',
  ];
  const bytes = Buffer.from(input, 'latin1');

  it('gives the same lines whole or split at any byte offset', () => {
    expect(linesOf([bytes], max)).toEqual(expected);
    for (let at = 0; at <= bytes.length; at++) {
      expect(linesOf([bytes.subarray(0, at), bytes.subarray(at)], max)).toEqual(expected);
    }
  });

  it('gives the same lines split at any two byte offsets, or byte by byte', () => {
    const wrong: [number, number][] = [];
    const want = JSON.stringify(expected);
    for (let first = 1; first < bytes.length; first++) {
      for (let second = first; second < bytes.length; second++) {
        const chunks = [
          bytes.subarray(0, first),
          bytes.subarray(first, second),
          bytes.subarray(second),
        ];
        if (JSON.stringify(linesOf(chunks, max)) !== want) wrong.push([first, second]);
      }
    }
    expect(wrong).toEqual([]);
    const single = Array.from(bytes, (byte) => Buffer.from([byte]));
    expect(linesOf(single, max)).toEqual(expected);
  });

  it('ends a last line without a newline, over the cap or not, CR or not', () => {
    expect(linesOf([Buffer.from('ab\ncdefghijk')], max)).toEqual(['ab\n', { tooLong: 9 }]);
    expect(linesOf([Buffer.from('ab\ncdefghij\r')], max)).toEqual(['ab\n', 'cdefghij\r']);
    expect(linesOf([Buffer.from('ab\ncdefghij'), Buffer.from('\r')], max)).toEqual([
      'ab\n',
      'cdefghij\r',
    ]);
    expect(linesOf([Buffer.from('ab\n')], max)).toEqual(['ab\n']);
    expect(linesOf([], max)).toEqual([]);
  });

  it('hands on the lines read so far at each chunk, and a long line only at its newline', () => {
    const sut = new LineSplitter(4);
    expect(sut.push(Buffer.from('ab\ncd'))).toEqual([
      { kind: 'lines', parts: [Buffer.from('ab\n')], bytes: 3, lines: 1 },
    ]);
    expect(sut.push(Buffer.from('efgh'))).toEqual([]);
    expect(sut.push(Buffer.from('ijk\nl'))).toEqual([{ kind: 'too-long', bytes: 9 }]);
    expect(sut.end()).toEqual([{ kind: 'lines', parts: [Buffer.from('l')], bytes: 1, lines: 1 }]);
  });
});
