import { Test } from '@nestjs/testing';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngagementAnalysis, EXAMPLE_REQUEST } from '@app/contract';
import { validRequest } from '@app/contract/testing';
import {
  analyzeLearner,
  buildEngineConfig,
  EngagementModule,
  EngagementService,
  EngineState,
} from '@app/engagement';
import { constantUpliftModels } from '@app/engagement/testing';

const ROOT = join(__dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The quick start's request: the body of its `curl … -d '…'`. */
function readmeRequest(): Record<string, unknown> {
  const body = /curl -s localhost:3000\/analyze-engagement [^\n]*-d '(\{[\s\S]*?\})'/.exec(README);
  if (body === null) throw new Error('README has no curl example of /analyze-engagement');
  return JSON.parse(body[1]) as Record<string, unknown>;
}

/** The answer the README shows for it: the first JSON block after the request. */
function readmeAnswer(): EngagementAnalysis {
  const after = README.slice(README.indexOf("-d '{"));
  const block = /```json\n([\s\S]*?)\n```/.exec(after);
  if (block === null) throw new Error('README has no JSON answer after its curl example');
  return JSON.parse(block[1]) as EngagementAnalysis;
}

/** Markdown with its line breaks as spaces, as a reader sees it. */
const prose = (markdown: string) => markdown.replace(/\s+/g, ' ');
const PROSE = prose(README);

/** The example learner, with what `patch` changes: how the docs' examples are made. */
function learner(patch: {
  profile?: object;
  activity?: object;
  peers?: object;
}): Record<string, unknown> {
  const { user_data: user, peer_snapshot: peers } = EXAMPLE_REQUEST;
  return {
    ...EXAMPLE_REQUEST,
    user_data: {
      ...user,
      profile: { ...user.profile, ...patch.profile },
      activity: { ...user.activity, ...patch.activity },
    },
    peer_snapshot: { ...peers, ...patch.peers },
  };
}

/**
 * An uplift set that predicts, for the example learner, a quiz taken today with 36% with the
 * nudge and 30% without, as docs/policy.md describes; the other types change nothing.
 */
const UPLIFT_STATE = (): EngineState => ({
  config: buildEngineConfig({ policy: { objective: 'uplift' } }),
  models: constantUpliftModels(
    { resume: 0.1, project: 0.1, quiz: 0.36, event_fomo: 0.2, comeback: 0.2 },
    { upload_resume: 0.1, add_project: 0.1, take_quiz: 0.3, attend_event: 0.2 },
  ),
});

/**
 * Every sentence docs/ quotes as the service's words, with the learner the docs describe it for
 * (and the engine, when not the committed config and models): the service must say it, word for
 * word, to that learner.
 */
interface EngineExample {
  readonly body: object;
  readonly state: () => EngineState;
}

const isEngineExample = (example: object): example is EngineExample =>
  'state' in example && typeof example.state === 'function';

const DOCS_QUOTES: Readonly<Record<string, Record<string, unknown> | EngineExample>> = {
  "It's been 21 days since your last event — your buddies are going to Startup Meetup, Coding Contest, and Hackathon. Join them!":
    learner({
      activity: { last_event_attended: '2025-06-09' },
      peers: { buddies_attending_events: ['startup-meetup', 'coding-contest', 'hackathon'] },
    }),
  "It's been 21 days since your last event — Startup Meetup is trending: 14 of your peers are going!":
    learner({
      activity: { last_event_attended: '2025-06-09' },
      peers: { batch_event_attendance: { 'startup-meetup': 14, 'coding-contest': 9 } },
    }),
  'Your peers are going to events. Pick one and join them!': learner({
    profile: { buddy_count: 2 },
    activity: { last_event_attended: '2025-06-27' },
    peers: {
      buddies_attending_events: ['startup-meetup', 'coding-contest'],
      batch_event_attendance: { 'startup-meetup': 12, 'coding-contest': 11 },
    },
  }),
  "A peer of yours is going to Startup Meetup, and it's been 40 days since your last event.":
    learner({
      activity: { last_event_attended: '2025-05-21' },
      peers: { buddies_attending_events: [], batch_event_attendance: { 'startup-meetup': 1 } },
    }),
  "3 of your peers are going to Startup Meetup, and it's been 40 days since your last event.":
    learner({
      activity: { last_event_attended: '2025-05-21' },
      peers: { buddies_attending_events: [], batch_event_attendance: { 'startup-meetup': 3 } },
    }),
  'Expected to raise the chance that this learner takes a quiz today by about 6 points: 36% with this nudge against 30% without.':
    { body: EXAMPLE_REQUEST, state: UPLIFT_STATE },
  'Pushing it up: a recent quiz and many goals.': learner({
    profile: { resume_uploaded: true, quiz_history: ['2025-06-24'] },
    activity: { last_quiz_taken: '2025-06-24', last_event_attended: '2025-06-29' },
    peers: { batch_avg_projects: 1 },
  }),
};

/** Sentences in double quotes that read as the service's words: a capital or digit, then an end mark. */
const QUOTED_SENTENCE = /"([A-Z0-9][^"]{15,}[.!?])"/g;

const DOCS = readdirSync(join(ROOT, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => ({ name, text: prose(readFileSync(join(ROOT, 'docs', name), 'utf8')) }));

describe("the README's and docs/' examples are the service's own answers", () => {
  let analyze: (body: object) => EngagementAnalysis;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        EngagementModule.forRootAsync({
          useFactory: () => ({
            configPath: join(ROOT, 'config/config.json'),
            modelsDir: join(ROOT, 'models'),
          }),
        }),
      ],
    }).compile();
    await moduleRef.init();
    const engine = moduleRef.get(EngagementService);
    analyze = (body) => {
      const valid = engine.validate(body);
      if (!valid.ok) throw new Error(`the README's request is invalid: ${JSON.stringify(valid)}`);
      return engine.analyze(valid.value);
    };
    close = () => moduleRef.close();
  });

  afterAll(() => close());

  it('shows the answer to its request exactly, but for the decision id made per call', () => {
    const shown = readmeAnswer();
    const live = analyze({ ...readmeRequest(), decision_id: shown.decision_id });

    expect(shown).toEqual(JSON.parse(JSON.stringify(live)));
  });

  it.each(['es', 'hi'])(
    'quotes the %s title of its comeback nudge as the service words it',
    (locale) => {
      const live = analyze({ ...readmeRequest(), locale });
      const comeback = live.nudges.find((nudge) => nudge.type === 'comeback');

      expect(comeback).toBeDefined();
      expect(PROSE).toContain(`"${comeback!.title}"`);
    },
  );

  it('quotes in docs/ only sentences this suite knows the learner of', () => {
    const quoted = DOCS.flatMap(({ name, text }) =>
      [...text.matchAll(QUOTED_SENTENCE)].map((match) => `${name}: ${match[1]}`),
    );
    const unknown = quoted.filter(
      (entry) => !(entry.split(': ').slice(1).join(': ') in DOCS_QUOTES),
    );
    expect(unknown).toEqual([]);
    expect(quoted.length).toBeGreaterThanOrEqual(Object.keys(DOCS_QUOTES).length);
  });

  it.each(Object.entries(DOCS_QUOTES))(
    'says "%s" to the learner docs/ gives it for',
    (quote, example) => {
      const live = isEngineExample(example)
        ? analyzeLearner(validRequest(example.body), example.state())
        : analyze(example);
      const texts = live.nudges.flatMap((nudge) => [nudge.title, nudge.action, ...nudge.reasons]);

      expect(texts).toContain(quote);
      expect(DOCS.some(({ text }) => text.includes(`"${quote}"`))).toBe(true);
    },
  );
});
