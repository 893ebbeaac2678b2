import { TallyBuffers } from './log-stream';

interface Tally {
  readonly sums: Float64Array;
}

describe(TallyBuffers.name, () => {
  it('gives back the buffers of a tally once it is added, one per tally taken', () => {
    const sut = new TallyBuffers<Tally>((tally) => [tally.sums.buffer as ArrayBuffer]);
    const first = new Float64Array([1, 2]);
    const second = new Float64Array([3]);
    const added: number[][] = [];
    const add = (tally: Tally) => added.push([...tally.sums]);

    const before = sut.spare();
    sut.taken(add, { sums: first });
    sut.taken(add, { sums: second });

    expect(before).toBeUndefined();
    expect(added).toEqual([[1, 2], [3]]);
    expect(sut.spare()).toBe(second.buffer);
    expect(sut.spare()).toBe(first.buffer);
    expect(sut.spare()).toBeUndefined();
  });

  it('gives back nothing for a command whose tallies move no buffers', () => {
    const sut = new TallyBuffers<Tally>(undefined);
    const added: Tally[] = [];
    const tally = { sums: new Float64Array(1) };

    sut.taken((t) => added.push(t), tally);

    expect(added).toEqual([tally]);
    expect(sut.spare()).toBeUndefined();
  });
});
