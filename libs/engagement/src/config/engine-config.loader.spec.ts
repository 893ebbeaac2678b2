import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './engine-config';
import { buildEngineConfig, loadEngineConfig, withLineAndColumn } from './engine-config.loader';

/** A config.json with only the four original sections, as first shipped. */
const ORIGINAL_CONFIG = {
  profile_rules: { resume_threshold: 0.7, projects_avg_threshold: 1.5, event_fomo_threshold: 0.6 },
  engagement_rules: {
    buddies_event_threshold: 3,
    event_peer_threshold: 10,
    quiz_inactive_days: 7,
    user_inactive_days: 5,
  },
  ml_rules: { nudge_probability_threshold: 0.6 },
  priority_labels: {
    resume: 'high',
    project: 'medium',
    event_fomo: 'high',
    quiz: 'medium',
    comeback: 'high',
  },
};

function errorsOf(raw: unknown): string[] {
  try {
    buildEngineConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).errors.map((e) => e.message);
  }
  throw new Error('expected a ConfigError');
}

describe(buildEngineConfig.name, () => {
  it('accepts a config with only the four original sections and fills the additions with defaults', () => {
    const sut = buildEngineConfig(ORIGINAL_CONFIG);
    expect(sut.rules).toEqual({
      profile_rules: ORIGINAL_CONFIG.profile_rules,
      engagement_rules: { ...ORIGINAL_CONFIG.engagement_rules, event_gap_days: 30 },
    });
    expect(sut.ml).toEqual({ nudge_probability_threshold: 0.6, priority: 'medium' });
    expect(sut.max_nudges).toBe(3);
    expect(sut.fomo).toEqual({
      weights: { buddies: 0.4, batch: 0.3, recency: 0.3 },
      batch_saturation: 10,
      recency_days: 30,
      steepness: 5,
      midpoint: 0.5,
      levels: { medium: 0.3, high: 0.7 },
    });
    expect(sut.overlaps).toEqual({
      event_recency: ['comeback', 'event_fomo'],
      peers_at_events: [],
      buddies_at_events: [],
    });
    expect(sut.catalogs.format('en', 'resume_peer_gap.title', { share: 0.84 })).toBe(
      "84% of your peers have uploaded a resume. You haven't yet!",
    );
    expect(sut.deprecations).toEqual([]);
  });

  it('still applies the deprecated messages section to English, and says so', () => {
    const sut = buildEngineConfig({
      messages: { comeback: { title: 'Back after {days} days?', action: 'Go' } },
    });
    expect(sut.catalogs.format('en', 'comeback.title', { days: 9 })).toBe('Back after 9 days?');
    expect(sut.catalogs.format('es', 'comeback.action', {})).not.toBe('Go');
    expect(sut.deprecations).toEqual([
      'config key "messages" is deprecated: its texts (comeback.title, comeback.action) override the English catalog; move them into the catalog at libs/messages/src/catalogs/en.json',
    ]);
    expect(sut.hash).not.toBe(buildEngineConfig({}).hash);
  });

  it('gives an empty document the same effective config and hash as the defaults written out', () => {
    expect(buildEngineConfig({}).hash).toBe(buildEngineConfig(ORIGINAL_CONFIG).hash);
    expect(buildEngineConfig({ max_nudges: 2 }).hash).not.toBe(buildEngineConfig({}).hash);
  });

  it('is frozen all the way down', () => {
    const sut = buildEngineConfig(ORIGINAL_CONFIG);
    expect(Object.isFrozen(sut)).toBe(true);
    expect(Object.isFrozen(sut.rules.profile_rules)).toBe(true);
    expect(Object.isFrozen(sut.fomo.weights)).toBe(true);
  });

  it.each([
    [
      { profile_rules: { resume_threshold: '0.7' } },
      'profile_rules.resume_threshold must be a number from 0 to 1',
    ],
    [
      { profile_rules: { resume_threshold: 1.2 } },
      'profile_rules.resume_threshold must be a number from 0 to 1',
    ],
    [
      { profile_rules: { projects_avg_threshold: -1 } },
      'profile_rules.projects_avg_threshold must be a non-negative number',
    ],
    [
      { engagement_rules: { quiz_inactive_days: 2.5 } },
      'engagement_rules.quiz_inactive_days must be a non-negative whole number of days',
    ],
    [
      { engagement_rules: { buddies_event_threshold: 0 } },
      'engagement_rules.buddies_event_threshold must be a positive integer',
    ],
    [
      { engagement_rules: { event_peer_threshold: 0 } },
      'engagement_rules.event_peer_threshold must be a positive number',
    ],
    [
      { ml_rules: { nudge_probability_threshold: null } },
      'ml_rules.nudge_probability_threshold must be a number from 0 to 1',
    ],
    [{ ml_rules: { priority: 'urgent' } }, 'ml_rules.priority must be one of high, medium, low'],
    [
      { priority_labels: { resume: 'urgent' } },
      'priority_labels.resume must be one of high, medium, low',
    ],
    [{ priority_labels: { badges: 'high' } }, 'priority_labels.badges is not a known config key'],
    [{ max_nudges: 0 }, 'max_nudges must be an integer from 1 to 5'],
    [{ profile_rules: 5 }, 'profile_rules must be an object'],
    [{ fomo: null }, 'fomo must be an object'],
    [{ fomo: { levels: null } }, 'fomo.levels must be an object'],
    [{ messages: null }, 'messages must be an object'],
    [
      { fomo: { weights: { buddies: -0.1 } } },
      'fomo.weights.buddies must be a non-negative number',
    ],
    [
      { fomo: { levels: { medium: 0.8, high: 0.7 } } },
      'fomo.levels.medium must not be above fomo.levels.high',
    ],
    [{ resume_treshold: 0.5 }, 'resume_treshold is not a known config key'],
    [
      { overlaps: { event_recency: ['comeback', 'badges'] } },
      'overlaps.event_recency must be an array of distinct nudge types (resume, project, quiz, event_fomo, comeback)',
    ],
    [
      { overlaps: { event_recency: ['comeback', 'comeback'] } },
      'overlaps.event_recency must be an array of distinct nudge types (resume, project, quiz, event_fomo, comeback)',
    ],
    [
      { overlaps: { event_recency: 'comeback' } },
      'overlaps.event_recency must be an array of distinct nudge types (resume, project, quiz, event_fomo, comeback)',
    ],
    [{ overlaps: { badge_count: [] } }, 'overlaps.badge_count is not a known config key'],
    [
      { messages: { comeback: { title: 'Back in {dayz} days', action: 'Go' } } },
      'messages.comeback.title uses {dayz}, which is not passed (passed: {days}, {gap})',
    ],
    [
      { messages: { comeback: { title: 'Hi' } } },
      'messages.comeback.action must be a string of 1 to 200 characters',
    ],
    [
      { event_words: ['IIT'] },
      'event_words must be an object of lowercase words to how each is written',
    ],
    [
      { event_words: { IIT: 'IIT' } },
      'event_words has "IIT": a word is 1 to 32 lowercase letters or digits',
    ],
    [
      { event_words: { iit: 'Indian Institute of Technology' } },
      'event_words has "iit" written "Indian Institute of Technology": only its case may differ',
    ],
  ])('%j → %p', (raw, message) => {
    expect(errorsOf({ ...ORIGINAL_CONFIG, ...raw })).toEqual([message]);
  });

  it('keeps the words of event_words as written, none of them an unknown key', () => {
    const words = { iit: 'IIT', pydata: 'PyData', '2025': '2025' };
    expect(buildEngineConfig({ ...ORIGINAL_CONFIG, event_words: words }).event_words).toEqual(
      words,
    );
  });

  it('builds a config for each experiment variant, its overrides merged over the file', () => {
    const sut = buildEngineConfig({
      max_nudges: 3,
      assignment: {
        experiments: [
          {
            key: 'fewer',
            variants: [
              { key: 'control', weight: 0.5 },
              {
                key: 'one',
                weight: 0.5,
                overrides: { max_nudges: 1, fatigue: { cooldown_days: { quiz: 1 } } },
              },
            ],
          },
        ],
      },
    });
    expect(sut.assignment.experiments).toEqual([
      {
        key: 'fewer',
        variants: [
          { key: 'control', weight: 0.5, overrides: {} },
          {
            key: 'one',
            weight: 0.5,
            overrides: { max_nudges: 1, fatigue: { cooldown_days: { quiz: 1 } } },
          },
        ],
      },
    ]);
    expect(sut.variants.get('fewer/control')).toBe(sut);
    const one = sut.variants.get('fewer/one')!;
    expect(one.max_nudges).toBe(1);
    expect(one.fatigue.cooldown_days).toEqual({
      resume: 7,
      project: 7,
      quiz: 1,
      event_fomo: 3,
      comeback: 7,
    });
    expect(one.hash).not.toBe(sut.hash);
  });

  it.each([
    [{ experiments: 'x' }, 'assignment.experiments must be an array of at most 20 experiments'],
    [
      { experiments: [{ key: 'e', variants: [{ key: 'a', weight: 1 }] }] },
      'assignment.experiments[0].variants must be an array of 2 to 10 variants',
    ],
    [
      {
        experiments: [
          {
            key: 'e',
            variants: [
              { key: 'a', weight: 0.5 },
              { key: 'a', weight: 0.5 },
            ],
          },
        ],
      },
      'assignment.experiments[0].variants[1].key must be a unique key of 1 to 64 letters, digits, _ . -',
    ],
    [
      {
        experiments: [
          {
            key: 'e',
            variants: [
              { key: 'a', weight: 0.5 },
              { key: 'b', weight: 0.2 },
            ],
          },
        ],
      },
      'assignment.experiments[0].variants must have weights that add up to 1',
    ],
    [
      {
        experiments: [
          {
            key: 'e',
            variants: [
              { key: 'a', weight: 0.5 },
              { key: 'b', weight: 0.5, overrides: { assignment: {} } },
            ],
          },
        ],
      },
      'assignment.experiments[0].variants[1].overrides.assignment is not a section a variant may change',
    ],
    [
      {
        experiments: [
          {
            key: 'e',
            variants: [
              { key: 'a', weight: 0.5 },
              { key: 'b', weight: 0.5, overrides: { max_nudges: 9 } },
            ],
          },
        ],
      },
      'assignment.experiments[0].variants[1].overrides.max_nudges must be an integer from 1 to 5',
    ],
    [{ holdout_percent: 60 }, 'assignment.holdout_percent must be a number from 0 to 50'],
  ])('assignment %j → %p', (assignment, message) => {
    expect(errorsOf({ assignment })).toEqual([message]);
  });

  it.each([[{ disabled_types: ['quiz', 'memes'] }], [{ disabled_types: 'quiz' }]])(
    'refuses policy %j, naming the key and the nudge types',
    (policy) => {
      expect(errorsOf({ policy })).toEqual([
        'policy.disabled_types must be a list of nudge types: resume, project, quiz, event_fomo, comeback',
      ]);
    },
  );

  it('switches each listed type off once, however often it is listed', () => {
    const sut = buildEngineConfig({ policy: { disabled_types: ['quiz', 'resume', 'quiz'] } });
    expect(sut.policy.disabled_types).toEqual(['quiz', 'resume']);
    expect(buildEngineConfig({}).policy.disabled_types).toEqual([]);
  });

  it('reports every bad key at once', () => {
    expect(errorsOf({ max_nudges: 9, ml_rules: { priority: 'x' } })).toEqual([
      'ml_rules.priority must be one of high, medium, low',
      'max_nudges must be an integer from 1 to 5',
    ]);
  });

  it('refuses a document that is not an object', () => {
    expect(errorsOf([1, 2])).toEqual(['(root) must be a JSON object']);
  });
});

describe(withLineAndColumn.name, () => {
  it('turns an offset into a line and column, and leaves other messages alone', () => {
    const text = '{\n  "a": 1,\n  "b" 2\n}';
    expect(withLineAndColumn('Unexpected number in JSON at position 18', text)).toBe(
      'Unexpected number in JSON at line 3 column 7',
    );
    // Newer V8 adds the line and column itself: one place is said once.
    expect(withLineAndColumn('Bad thing in JSON at position 18 (line 3 column 7)', text)).toBe(
      'Bad thing in JSON at line 3 column 7',
    );
    expect(withLineAndColumn('Unexpected end of JSON input', '{\n "a":')).toBe(
      'Unexpected end of JSON input at line 2 column 6',
    );
    expect(withLineAndColumn('Unexpected token', text)).toBe('Unexpected token');
  });
});

describe(loadEngineConfig.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the file when it is missing', () => {
    const path = join(dir, 'missing.json');
    expect(() => loadEngineConfig(path)).toThrow(`invalid config ${path}: (file) cannot be read`);
  });

  it('names the file when it is not JSON', () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{ "max_nudges": ');
    expect(() => loadEngineConfig(path)).toThrow(
      `invalid config ${path}: (file) is not valid JSON: Unexpected end of JSON input at line 1 column 17`,
    );
  });

  it('says where a file stops being JSON by line and column, not by offset', () => {
    const path = join(dir, 'trailing-comma.json');
    writeFileSync(path, '{\n  "max_nudges": 3,\n}\n');
    let message = '';
    try {
      loadEngineConfig(path);
    } catch (error) {
      message = (error as Error).message;
    }
    // The wording before the place is V8's own and may change between Node versions.
    expect(message).toMatch(
      new RegExp(
        `^invalid config ${path}: \\(file\\) is not valid JSON: .+ in JSON at line 3 column 1$`,
      ),
    );
  });

  it('loads the committed config', () => {
    expect(loadEngineConfig(join(__dirname, '../../../../config/config.json')).hash).toBe(
      buildEngineConfig(ORIGINAL_CONFIG).hash,
    );
  });
});
