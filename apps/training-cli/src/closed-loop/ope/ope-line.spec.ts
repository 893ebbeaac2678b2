import { SlatePolicy } from '@app/engagement';
import { featureReader, WeighedDecision, WeighedJson, weighedText } from './ope-line';

const LOGGING: SlatePolicy = { ranked: ['resume', 'quiz'], slots: 2, epsilon: 0.2 };
const FEATURES = [1, 0.1, -2.5, 1e-300, Number.MAX_VALUE];

function decision(candidate: SlatePolicy, baseline: SlatePolicy): WeighedDecision {
  return {
    features: Float64Array.from(FEATURES),
    cells: [3, 8],
    logging: LOGGING,
    candidate: { weight: 0.5, policy: candidate },
    baseline: { weight: 1.25, policy: baseline },
    historyMatters: true,
    support: {},
  };
}

const parsed = (text: string) => JSON.parse(text) as WeighedJson;

describe(weighedText.name, () => {
  it('names each policy by its ranked types, slots and ε', () => {
    const text = weighedText(
      decision(
        { ranked: ['resume', 'quiz'], slots: 1, epsilon: 0 },
        { ranked: ['quiz', 'comeback'], slots: 2, epsilon: 0.05 },
      ),
    );
    expect(parsed(text).slice(1)).toEqual([
      [3, 8],
      0.5,
      1.25,
      'resume,quiz/2/0.2',
      'resume,quiz/1/0',
      'quiz,comeback/2/0.05',
      1,
      null,
      null,
    ]);
  });

  it('names a policy that ranks nothing', () => {
    const none = { ranked: [], slots: 0, epsilon: 0.2 };
    expect(parsed(weighedText(decision(none, LOGGING))).slice(4, 7)).toEqual([
      'resume,quiz/2/0.2',
      '/0/0.2',
      'resume,quiz/2/0.2',
    ]);
  });
});

describe(featureReader.name, () => {
  const base64 = parsed(weighedText(decision(LOGGING, LOGGING)))[0];

  it('reads the features back exactly', () => {
    const into = new Float64Array(FEATURES.length);
    featureReader(into)(base64);
    expect([...into]).toEqual(FEATURES);
  });

  it('refuses features of another count, longer or shorter', () => {
    expect(() => featureReader(new Float64Array(6))(base64)).toThrow(
      "a record's features are 40 bytes, not 48",
    );
    expect(() => featureReader(new Float64Array(4))(base64)).toThrow(
      "a record's features are 40 bytes, not 32",
    );
  });
});
