import { SlatePolicy } from '@app/engagement';
import { numbersReader, WeighedDecision, WeighedJson, WeighedWriter } from './ope-line';
import { SupportNote } from './support';

const LOGGING: SlatePolicy = { ranked: ['resume', 'quiz'], slots: 2, epsilon: 0.2 };
const FEATURES = [1, 0.1, -2.5, 1e-300, Number.MAX_VALUE];

function decision(
  candidate: SlatePolicy,
  baseline: SlatePolicy,
  features: Float64Array = Float64Array.from(FEATURES),
): WeighedDecision {
  return {
    features,
    cells: [3, 8],
    logging: LOGGING,
    candidate: { weight: 0.5, policy: candidate },
    baseline: { weight: -3.885780586188048e-16, policy: baseline },
    historyMatters: true,
    support: {},
  };
}

const parsed = (text: string) => JSON.parse(text) as WeighedJson;

/** A record's numbers, read back. */
function numbersOf(text: string): number[] {
  const into = new Float64Array(FEATURES.length + 2);
  numbersReader(into)(parsed(text)[0]);
  return [...into];
}

describe(WeighedWriter.name, () => {
  it('names each policy by its ranked types, slots and ε', () => {
    const text = new WeighedWriter(FEATURES.length).text(
      decision(
        { ranked: ['resume', 'quiz'], slots: 1, epsilon: 0 },
        { ranked: ['quiz', 'comeback'], slots: 2, epsilon: 0.05 },
      ),
    );
    expect(parsed(text).slice(1)).toEqual([
      [3, 8],
      'resume,quiz/2/0.2',
      'resume,quiz/1/0',
      'quiz,comeback/2/0.05',
      1,
      null,
      null,
    ]);
  });

  it('names a policy that ranks nothing, and one ranking the same types otherwise', () => {
    const writer = new WeighedWriter(FEATURES.length);
    const none = { ranked: [], slots: 0, epsilon: 0.2 };
    const swapped: SlatePolicy = { ranked: ['quiz', 'resume'], slots: 2, epsilon: 0.2 };
    expect(parsed(writer.text(decision(none, swapped))).slice(2, 5)).toEqual([
      'resume,quiz/2/0.2',
      '/0/0.2',
      'quiz,resume/2/0.2',
    ]);
  });

  it('writes the features, then the two weights, exactly', () => {
    const text = new WeighedWriter(FEATURES.length).text(decision(LOGGING, LOGGING));
    expect(numbersOf(text)).toEqual([...FEATURES, 0.5, -3.885780586188048e-16]);
  });

  it('writes the features weighDecision encoded into its vector, as they are', () => {
    const writer = new WeighedWriter(FEATURES.length);
    writer.features.set([2, 4, 6, 8, 10]);
    const text = writer.text(decision(LOGGING, LOGGING, writer.features));
    expect(numbersOf(text)).toEqual([2, 4, 6, 8, 10, 0.5, -3.885780586188048e-16]);
  });

  it('writes support notes as JSON', () => {
    const note: SupportNote = { lacking: 0.25, gap: null, cause: 'slots', loggingSlots: 1 };
    const weighed = { ...decision(LOGGING, LOGGING), support: { baseline: note } };
    const text = new WeighedWriter(FEATURES.length).text(weighed);
    expect(parsed(text).slice(6)).toEqual([null, note]);
  });
});

describe(numbersReader.name, () => {
  const base64 = parsed(new WeighedWriter(FEATURES.length).text(decision(LOGGING, LOGGING)))[0];

  it('refuses numbers of another count, longer or shorter', () => {
    expect(() => numbersReader(new Float64Array(8))(base64)).toThrow(
      "a record's numbers are 56 bytes, not 64",
    );
    expect(() => numbersReader(new Float64Array(6))(base64)).toThrow(
      "a record's numbers are 56 bytes, not 48",
    );
  });
});
