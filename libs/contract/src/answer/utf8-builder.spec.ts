import { Utf8Builder } from './utf8-builder';

describe(Utf8Builder.name, () => {
  it('gives the UTF-8 of the strings appended, in order, as TextEncoder would', () => {
    const texts = [
      '{"a":1}',
      '\n',
      'It’s been 3 weeks — join them',
      '\n',
      'हैकाथॉन',
      '😀',
      '\ud800',
    ];
    const sut = new Utf8Builder(4);
    for (const text of texts) sut.append(text);
    const expected = new TextEncoder().encode(texts.join(''));
    expect(sut.byteLength).toBe(expected.byteLength);
    expect(Buffer.from(sut.take())).toEqual(Buffer.from(expected));
  });

  it('starts again empty after take, and each take owns its ArrayBuffer', () => {
    const sut = new Utf8Builder(8);
    sut.append('first, longer than eight bytes');
    const first = sut.take();
    sut.append('second');
    const second = sut.take();
    expect(Buffer.from(first).toString('utf8')).toBe('first, longer than eight bytes');
    expect(Buffer.from(second).toString('utf8')).toBe('second');
    expect(first.buffer).not.toBe(second.buffer);
    expect(first.byteOffset).toBe(0);
    expect(sut.byteLength).toBe(0);
    const empty = sut.take();
    expect(empty.byteLength).toBe(0);
    // Transferring an empty take's buffer leaves the builder and later takes whole.
    structuredClone(empty, { transfer: [empty.buffer] });
    expect(sut.take().byteLength).toBe(0);
    sut.append('after');
    expect(Buffer.from(sut.take()).toString('utf8')).toBe('after');
  });

  it('keeps what it wrote when it grows', () => {
    const sut = new Utf8Builder(2);
    const parts = Array.from({ length: 100 }, (_, i) => `line ${i} é\n`);
    for (const part of parts) sut.append(part);
    expect(Buffer.from(sut.take()).toString('utf8')).toBe(parts.join(''));
  });

  it('writes an ASCII character as its byte, growing for it, between strings', () => {
    // An empty builder has no buffer yet: the first byte makes one.
    const sut = new Utf8Builder(1);
    sut.appendAscii(0x5b);
    sut.append('é');
    sut.appendAscii(0x2c);
    sut.appendAscii(0x0a);
    expect(sut.byteLength).toBe(5);
    expect(Buffer.from(sut.take()).toString('utf8')).toBe('[é,\n');
  });

  it('shows its bytes uncopied, and after clear writes the same buffer again', () => {
    const sut = new Utf8Builder(16);
    sut.append('dash — ok');
    const first = sut.view();
    expect(Buffer.from(first).toString('utf8')).toBe('dash — ok');
    expect(first.byteLength).toBe(11);
    // A plain Uint8Array: its slice copies.
    expect(Buffer.isBuffer(first)).toBe(false);
    sut.clear();
    expect(sut.byteLength).toBe(0);
    sut.append('next');
    const second = sut.view();
    expect(second.buffer).toBe(first.buffer);
    expect(Buffer.from(second).toString('utf8')).toBe('next');
  });

  it('grows only for the bytes a text needs, not for three a character', () => {
    const sut = new Utf8Builder(64);
    sut.append('x'.repeat(60));
    const before = sut.view().buffer;
    expect(before.byteLength).toBe(64);
    // Four ASCII characters fill the 64 bytes exactly, though 3 × 4 would not fit.
    sut.append('abcd');
    expect(sut.view().buffer).toBe(before);
    sut.append('!');
    expect(sut.view().buffer).not.toBe(before);
    expect(Buffer.from(sut.take()).toString('utf8')).toBe(`${'x'.repeat(60)}abcd!`);
  });
});
