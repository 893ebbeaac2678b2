import { v5 as uuidv5 } from 'uuid';
import type { ValidRequest } from '@app/contract';
import { nameUuid, SCORE_NAMESPACE, scoredDecisionId, withScoredDecisionId } from './decision-ids';

const valid = (userId: string, asOf: string, decisionId?: string) =>
  ({
    request: {
      user_data: { user_id: userId },
      as_of: asOf,
      ...(decisionId !== undefined && { decision_id: decisionId }),
    },
  }) as unknown as ValidRequest;

describe(nameUuid.name, () => {
  it("gives the uuid package's version-5 ids, names in any script and of any length", () => {
    const names = [
      '',
      'stu_1',
      '["stu_1","2025-06-30","3942fe755af03f3b/884005e8da4dd3cc"]',
      'Ünïcødé 学生 छात्र 🎓',
      'x'.repeat(10_000),
      ...Array.from({ length: 200 }, (_, i) => JSON.stringify([`stu_${i * 7919}`, `2025-${i}`])),
    ];
    for (const name of names) expect(nameUuid(name)).toBe(uuidv5(name, SCORE_NAMESPACE));
  });
});

describe(scoredDecisionId.name, () => {
  it('is a version-5 UUID of the learner, the day and the engine version, the same every time', () => {
    const id = scoredDecisionId(valid('stu_1', '2025-06-30'), 'models-a/config-b');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(scoredDecisionId(valid('stu_1', '2025-06-30'), 'models-a/config-b')).toBe(id);
    const others = [
      scoredDecisionId(valid('stu_2', '2025-06-30'), 'models-a/config-b'),
      scoredDecisionId(valid('stu_1', '2025-07-01'), 'models-a/config-b'),
      scoredDecisionId(valid('stu_1', '2025-06-30'), 'models-c/config-b'),
      // Parts are kept apart: no two learners and days join to the same name.
      scoredDecisionId(valid('stu_1","2025', '06-30'), 'models-a/config-b'),
    ];
    expect(new Set([id, ...others]).size).toBe(5);
  });

  it("writes the derived id into a request without one, and keeps a request's own", () => {
    const without = valid('stu_1', '2025-06-30');
    expect(withScoredDecisionId(without, 'v').request.decision_id).toBe(
      scoredDecisionId(valid('stu_1', '2025-06-30'), 'v'),
    );
    expect(
      withScoredDecisionId(valid('stu_1', '2025-06-30', 'mine'), 'v').request.decision_id,
    ).toBe('mine');
  });
});
