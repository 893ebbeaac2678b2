import { GrowingArray } from './growing-array';

describe(GrowingArray.name, () => {
  it('keeps every value pushed past its first capacity, in order, in an array of their length', () => {
    const sut = new GrowingArray((n) => new Uint32Array(n));

    for (let i = 0; i < 3000; i++) sut.push(i * 7);
    sut.pushAll(Uint32Array.of(1, 2, 3));

    const values = sut.toArray();
    expect(values).toBeInstanceOf(Uint32Array);
    expect(values).toHaveLength(3003);
    expect(sut.length).toBe(3003);
    expect(Array.from(values.subarray(0, 3))).toEqual([0, 7, 14]);
    expect(Array.from(values.subarray(2998))).toEqual([20986, 20993, 1, 2, 3]);
    expect([sut.at(0), sut.at(2999), sut.at(3002)]).toEqual([0, 20993, 3]);
  });

  it('grows at once for a block larger than twice its capacity', () => {
    const sut = new GrowingArray((n) => new Float64Array(n));

    sut.pushAll(Float64Array.from({ length: 5000 }, (_, i) => i / 2));

    expect(sut.toArray()).toHaveLength(5000);
    expect(sut.toArray()[4999]).toBe(2499.5);
  });

  it('gives an empty array when nothing was pushed', () => {
    expect(new GrowingArray((n) => new Int8Array(n)).toArray()).toEqual(new Int8Array(0));
  });
});
