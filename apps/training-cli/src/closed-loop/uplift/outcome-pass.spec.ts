import { outcomeRecordText } from './outcome-pass';

describe(outcomeRecordText.name, () => {
  it.each([
    ['stu_1', 'sim-1-stu_1-0'],
    ['a "quoted" \\ learner', null],
    ['ünï-💡\n', 'tab\tid'],
  ])('writes %j, %j as JSON.stringify does', (userId, decisionId) => {
    expect(outcomeRecordText(userId, 20241, decisionId, 2, 17)).toBe(
      JSON.stringify([userId, 20241, decisionId, 2, 17]),
    );
  });
});
