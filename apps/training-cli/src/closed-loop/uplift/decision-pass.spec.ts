import { decisionRecordHead, idRecordText } from './decision-pass';

/** Ids and user ids a platform may send: quotes, backslashes, controls, non-ASCII, lone surrogates. */
const AWKWARD = [
  'plain-1',
  'a "quoted" id',
  'back\\slash',
  'tab\there\nnewline',
  'ünï-💡',
  '\ud800',
];

describe('partition record texts', () => {
  it.each(AWKWARD)('write an id record of %j as JSON.stringify does', (id) => {
    expect(idRecordText(id, 3, 1200, -2147483648, 2147483647)).toBe(
      JSON.stringify([id, 3, 1200, -2147483648, 2147483647]),
    );
  });

  it.each(AWKWARD)('write a decision record of %j as JSON.stringify does', (id) => {
    const head = decisionRecordHead(id, `${id}-user`, 20241, 'treated', 0, 1, 'ab12');
    expect(`${head}]`).toBe(JSON.stringify([id, `${id}-user`, 20241, 'treated', 0, 1, 'ab12']));
    expect(JSON.parse(`${head},["extra",1]]`)).toEqual([
      id,
      `${id}-user`,
      20241,
      'treated',
      0,
      1,
      'ab12',
      ['extra', 1],
    ]);
  });
});
