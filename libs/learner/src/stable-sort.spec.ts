import { stableSort } from './stable-sort';

describe('stableSort', () => {
  const byScore = (a: { score: number }, b: { score: number }) => b.score - a.score;

  it('sorts in place and keeps equal entries in their order', () => {
    const entries = [
      { name: 'a', score: 1 },
      { name: 'b', score: 3 },
      { name: 'c', score: 1 },
      { name: 'd', score: 3 },
      { name: 'e', score: 2 },
    ];
    const sorted = stableSort(entries, byScore);
    expect(sorted).toBe(entries);
    expect(sorted.map((entry) => entry.name)).toEqual(['b', 'd', 'e', 'a', 'c']);
  });

  it('leaves empty and one-entry arrays as they are', () => {
    expect(stableSort([], byScore)).toEqual([]);
    expect(stableSort([{ score: 4 }], byScore)).toEqual([{ score: 4 }]);
  });

  it('orders as the built-in stable sort on short and long arrays alike', () => {
    // Ties on purpose (scores 0 to 4), at lengths either side of the insertion sort's limit.
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (const length of [2, 3, 5, 8, 16, 17, 40]) {
      for (let round = 0; round < 20; round++) {
        const entries = Array.from({ length }, (_, id) => ({ id, score: next() % 5 }));
        const expected = [...entries].sort(byScore).map((entry) => entry.id);
        expect(stableSort([...entries], byScore).map((entry) => entry.id)).toEqual(expected);
      }
    }
  });
});
