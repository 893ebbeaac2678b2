import { PendingTable, PendingWork } from './engine-threads';

/** A work that only has a name, for telling works apart. */
function work(name: string): PendingWork & { name: string } {
  return { name, bytes: 1, take: () => true, fail: () => undefined };
}

describe('PendingTable', () => {
  it('gives each work kept at once an id of its own, from 0', () => {
    const table = new PendingTable();
    const [a, b, c] = [work('a'), work('b'), work('c')];
    expect([table.add(a), table.add(b), table.add(c)]).toEqual([0, 1, 2]);
    expect([table.get(0), table.get(1), table.get(2)]).toEqual([a, b, c]);
  });

  it('forgets a work done with and gives its id to the next one', () => {
    const table = new PendingTable();
    const [a, b, c] = [work('a'), work('b'), work('c')];
    table.add(a);
    table.add(b);
    table.delete(0);
    expect(table.get(0)).toBeUndefined();
    expect(table.add(c)).toBe(0);
    expect([table.get(0), table.get(1)]).toEqual([c, b]);
  });

  it('knows no work under an id it never gave or already took back, and ignores deleting one', () => {
    const table = new PendingTable();
    table.add(work('a'));
    for (const id of [-1, 1, 0.5, Number.NaN, 7]) expect(table.get(id)).toBeUndefined();
    table.delete(0);
    table.delete(0);
    table.delete(5);
    // Deleting twice must not hand the same id out twice.
    expect([table.add(work('b')), table.add(work('c'))]).toEqual([0, 1]);
  });

  it('takes every work kept in id order, and is empty after', () => {
    const table = new PendingTable();
    const [a, b, c] = [work('a'), work('b'), work('c')];
    table.add(a);
    table.add(b);
    table.add(c);
    table.delete(1);
    expect(table.takeAll()).toEqual([a, c]);
    expect(table.takeAll()).toEqual([]);
    expect(table.get(0)).toBeUndefined();
    expect(table.add(b)).toBe(0);
  });
});
