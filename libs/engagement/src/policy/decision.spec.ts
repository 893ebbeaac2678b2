import { validate, version } from 'uuid';
import { newDecisionId } from './decision';

describe(newDecisionId.name, () => {
  it('makes distinct UUIDv7s that sort in the order they were made, across pool refills', () => {
    const ids = Array.from({ length: 2_000 }, () => newDecisionId());
    expect(ids.every((id) => validate(id) && version(id) === 7)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('counts up within a millisecond and never goes back when the clock does', () => {
    const later = Date.now() + 60_000;
    const ids = [
      newDecisionId(later),
      newDecisionId(later),
      newDecisionId(later - 5_000),
      newDecisionId(later + 1),
    ];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(4);
    // The timestamp is the millisecond's (the first 48 bits), held while the clock is behind.
    const millis = ids.map((id) => parseInt(id.replace('-', '').slice(0, 12), 16));
    expect(millis).toEqual([later, later, later, later + 1]);
  });
});
