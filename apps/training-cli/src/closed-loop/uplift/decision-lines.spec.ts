import { DecisionLines } from './decision-lines';

describe(DecisionLines.name, () => {
  it('gives each decision its file and line, across files and skipped lines', () => {
    const sut = new DecisionLines();
    // a.ndjson: decisions 0 and 1, a skipped copy on line 3, decision 2; then b.ndjson.gz.
    sut.add(0, { file: 'a.ndjson', line: 1 });
    sut.add(1, { file: 'a.ndjson', line: 2 });
    sut.add(2, { file: 'a.ndjson', line: 4 });
    sut.add(3, { file: 'b.ndjson.gz', line: 1 });
    sut.add(4, { file: 'b.ndjson.gz', line: 2 });

    expect([0, 1, 2, 3, 4].map((decision) => sut.of(decision))).toEqual([
      { file: 'a.ndjson', line: 1 },
      { file: 'a.ndjson', line: 2 },
      { file: 'a.ndjson', line: 4 },
      { file: 'b.ndjson.gz', line: 1 },
      { file: 'b.ndjson.gz', line: 2 },
    ]);
  });

  it('finds a decision among many runs', () => {
    const sut = new DecisionLines();
    // Every other line skipped: a run per decision.
    for (let decision = 0; decision < 1000; decision++) {
      sut.add(decision, { file: 'a.ndjson', line: 2 * decision + 1 });
    }

    expect(sut.of(0)).toEqual({ file: 'a.ndjson', line: 1 });
    expect(sut.of(637)).toEqual({ file: 'a.ndjson', line: 1275 });
    expect(sut.of(999)).toEqual({ file: 'a.ndjson', line: 1999 });
  });
});
