import fc from 'fast-check';
import { NUDGE_TYPES } from '@app/rules';
import { EXAMPLE_ANALYSIS } from '../dto/examples';
import { BatchResult, EngagementAnalysis } from './analysis';
import { stringifyAnalysis, stringifyBatch } from './analysis-json';

const text = fc.string({ unit: 'binary', maxLength: 80 });
const share = fc.double({ min: 0, max: 1, noNaN: true });

const analysis: fc.Arbitrary<EngagementAnalysis> = fc.record({
  user_id: text,
  status: fc.constant('generated' as const),
  as_of: fc.constant('2025-06-30'),
  nudges: fc.array(
    fc.record({
      type: fc.constantFrom(...NUDGE_TYPES),
      title: text,
      action: text,
      priority: fc.constantFrom('high' as const, 'medium' as const, 'low' as const),
      source: fc.constantFrom('rule' as const, 'ml' as const),
      score: share,
      reasons: fc.array(text, { maxLength: 4 }),
    }),
    { maxLength: 3 },
  ),
  fomo: fc.record({
    score: share,
    level: fc.constantFrom('low' as const, 'medium' as const, 'high' as const),
    days_since_last_event: fc.option(fc.nat(100_000), { nil: null }),
    factors: fc.record({ buddies: share, batch: share, recency: share }),
  }),
  model_version: fc.option(fc.string({ minLength: 16, maxLength: 16 }), { nil: null }),
});

describe(stringifyAnalysis.name, () => {
  it('writes exactly what JSON.stringify writes, for any analysis', () => {
    fc.assert(
      fc.property(analysis, (value) => {
        expect(stringifyAnalysis(value)).toBe(JSON.stringify(value));
      }),
      { numRuns: 2000, seed: 7 },
    );
    expect(stringifyAnalysis(EXAMPLE_ANALYSIS)).toBe(JSON.stringify(EXAMPLE_ANALYSIS));
  });
});

describe(stringifyBatch.name, () => {
  it('writes exactly what JSON.stringify writes for a mixed batch', () => {
    const results: BatchResult[] = [
      EXAMPLE_ANALYSIS,
      {
        index: 1,
        error: {
          statusCode: 400,
          error: 'Bad Request',
          message: 'm',
          errors: [{ path: 'p', message: 'p x' }],
        },
      },
      EXAMPLE_ANALYSIS,
    ];
    expect(stringifyBatch(results)).toBe(JSON.stringify({ results }));
    expect(stringifyBatch([])).toBe('{"results":[]}');
  });
});
