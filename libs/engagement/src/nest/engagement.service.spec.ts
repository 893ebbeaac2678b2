import { Test } from '@nestjs/testing';
import { join } from 'node:path';
import { parseCalendarDate } from '@app/learner';
import { featureVector, ModelSet, MlService } from '@app/ml';
import { EXAMPLE_REQUEST } from '@app/contract';
import { EngagementModule } from './engagement.module';
import { EngagementService } from './engagement.service';
import { CLOCK } from './engagement.tokens';
import { DELETE, exampleAnswer, withField } from '@app/contract/testing';
import { constantModels } from '../testing/model-fixtures';

const CONFIG_PATH = join(__dirname, '../../../../config/config.json');

/** A learner who is up to date on everything: no rule fires. */
const ENGAGED = {
  user_data: {
    user_id: 'stu_1',
    profile: {
      resume_uploaded: true,
      goal_tags: ['ml'],
      karma: 900,
      projects_added: 4,
      quiz_history: ['2025-06-28'],
      clubs_joined: ['ai'],
      buddy_count: 5,
    },
    activity: {
      login_streak: 30,
      posts_created: 12,
      buddies_interacted: 5,
      last_event_attended: '2025-06-27',
      last_quiz_taken: '2025-06-28',
    },
  },
  peer_snapshot: {
    batch_avg_projects: 2,
    batch_resume_uploaded_pct: 60,
    batch_event_attendance: { meetup: 4 },
    buddies_attending_events: ['meetup'],
  },
  as_of: '2025-06-30',
};

async function createSut(modelSet?: ModelSet): Promise<EngagementService> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      EngagementModule.forRootAsync({
        useFactory: () => ({ configPath: CONFIG_PATH, modelsDir: '/nonexistent' }),
      }),
    ],
  })
    .overrideProvider(MlService)
    .useValue({ models: modelSet })
    .overrideProvider(CLOCK)
    .useValue({ today: () => parseCalendarDate('2025-07-01')! })
    .compile();
  return moduleRef.get(EngagementService);
}

function analyze(sut: EngagementService, body: unknown) {
  const valid = sut.validate(body);
  if (!valid.ok) throw new Error(JSON.stringify(valid.errors));
  return sut.analyze(valid.value);
}

describe(EngagementService.name, () => {
  it('gives the event loop a turn every 50 batch items, answering every item in order', async () => {
    const sut = await createSut();
    const items = Array.from({ length: 120 }, (_, i) =>
      i === 70
        ? { ...EXAMPLE_REQUEST, as_of: 'not a date' }
        : { ...EXAMPLE_REQUEST, decision_id: `d${i}` },
    );
    const batch = sut.validateBatch({ as_of: '2025-06-30', items }, 1000);
    if (!batch.ok) throw new Error(JSON.stringify(batch.errors));
    // Count the turns other work gets while the batch runs: one after item 50, one after 100.
    let turns = 0;
    let running = true;
    const tick = (): void => {
      if (!running) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const results = await sut.analyzeBatch(batch.value);
    running = false;
    expect(turns).toBe(2);
    expect(results).toHaveLength(120);
    expect(results[70]).toMatchObject({ index: 70, error: { status: 400 } });
    expect(results.map((result) => ('decision_id' in result ? result.decision_id : null))).toEqual(
      items.map((_, i) => (i === 70 ? null : `d${i}`)),
    );
  });

  it('tells the observer of each decision with its request and the features it was made from', async () => {
    const sut = await createSut(constantModels({ project: 0.9 }));
    const valid = sut.validate(EXAMPLE_REQUEST);
    if (!valid.ok) throw new Error(JSON.stringify(valid.errors));
    const observe = jest.fn();

    const analysis = sut.analyze(valid.value, undefined, observe);

    expect(observe.mock.calls).toEqual([
      [valid.value, analysis, featureVector(valid.value.request, valid.value.asOf)],
    ]);
    expect(observe.mock.calls[0][1]).toBe(analysis);
  });

  it('answers the example request with resume, comeback and the stronger medium nudge', async () => {
    const sut = await createSut();
    expect(analyze(sut, EXAMPLE_REQUEST)).toEqual(exampleAnswer(null));
  });

  it('gives an engaged learner no nudges, even with eager models', async () => {
    const sut = await createSut(constantModels({ resume: 0.99, project: 0.2, quiz: 0.3 }));
    const result = analyze(sut, ENGAGED);
    expect(result.nudges).toEqual([]);
    expect(result.model_version).toBe('v-test');
  });

  it('fills the remaining places with model nudges, rules first', async () => {
    const sut = await createSut(constantModels({ project: 0.9, quiz: 0.7, event_fomo: 0.65 }));
    const body = withField('peer_snapshot.batch_resume_uploaded_pct', 90);
    // One project against a peer average of 2 and a quiz 5 days ago: gaps the rules do not
    // flag yet but the models may. The last event was yesterday: no event nudge of any kind.
    (body.user_data as { profile: Record<string, unknown> }).profile.projects_added = 1;
    (body.user_data as { activity: Record<string, unknown> }).activity.last_event_attended =
      '2025-06-29';
    (body.user_data as { profile: Record<string, unknown> }).profile.quiz_history = ['2025-06-25'];
    (body.user_data as { activity: Record<string, unknown> }).activity.last_quiz_taken = null;
    const result = analyze(sut, body);
    expect(result.nudges.map((n) => [n.type, n.source, n.score])).toEqual([
      ['resume', 'rule', 0.9],
      ['project', 'ml', 0.9],
      ['quiz', 'ml', 0.7],
    ]);
  });

  it('uses the clock only when as_of is absent', async () => {
    const sut = await createSut();
    const body = withField('as_of', DELETE);
    const result = analyze(sut, body);
    expect(result.as_of).toBe('2025-07-01');
    expect(result.fomo.days_since_last_event).toBe(17);
  });
});
