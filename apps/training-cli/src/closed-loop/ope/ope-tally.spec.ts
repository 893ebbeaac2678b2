import { sumsBuffer } from './ope-tally';

describe(sumsBuffer.name, () => {
  it('lays the sums over a spare buffer that has room for them', () => {
    const spare = new ArrayBuffer(10 * 8);

    const sut = sumsBuffer(6, spare);

    expect(sut.buffer).toBe(spare);
    expect(sut.length).toBe(6);
  });

  it('makes a buffer with room for half as many again when the spare is too small, or none', () => {
    const small = sumsBuffer(6, new ArrayBuffer(5 * 8));
    const none = sumsBuffer(6, undefined);

    expect([small.length, small.buffer.byteLength]).toEqual([6, 9 * 8]);
    expect([none.length, none.buffer.byteLength]).toEqual([6, 9 * 8]);
    expect([...none]).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
