import { formatCalendarDate, LearnerRecord, NudgeType, parseCalendarDate } from '@app/learner';
import {
  applyActions,
  deliveryHistory,
  LearnerWorld,
  liveDay,
  mutesToday,
  nudgeEffects,
  PlatformDelivery,
} from './platform-learner';
import { BUILT_IN_STORY, PlatformStory } from './story';

/**
 * A story in which every learner responds to a type alike (no feature weighed), so the scaling
 * can be checked against the bases alone.
 */
const FLAT: PlatformStory = {
  ...BUILT_IN_STORY,
  effects: {
    resume: { base: 1.0, by_feature: {} },
    project: { base: 0.8, by_feature: {} },
    quiz: { base: 1.2, by_feature: {} },
    event_fomo: { base: 1.4, by_feature: {} },
    comeback: { base: 0.6, by_feature: {} },
  },
};

/** A learner's muting: more than 10 nudges in 7 days, then 0.1 a day. */
const MUTING = { above: 10, probability: 0.1 };

const NO_FEATURES = (): Float64Array => {
  throw new Error('the flat story weighs no feature');
};

const TODAY = parseCalendarDate('2025-08-01')!;
const dateOf = formatCalendarDate;
const NEVER = Number.NEGATIVE_INFINITY;

/** Bits of a day's mask, in OUTCOME_ACTIONS order. */
const RESUME = 1;
const PROJECT = 2;
const QUIZ = 4;
const EVENT = 8;

const RECORD: LearnerRecord = {
  user_data: {
    user_id: 'stu_1',
    profile: {
      resume_uploaded: false,
      goal_tags: ['GMAT'],
      karma: 10,
      projects_added: 2,
      quiz_history: ['2025-05-01', 'dsa'],
      clubs_joined: [],
      buddy_count: 3,
    },
    activity: {
      login_streak: 2,
      posts_created: 1,
      buddies_interacted: 1,
      last_event_attended: null,
      last_quiz_taken: '2025-05-01',
    },
  },
  peer_snapshot: {
    batch_avg_projects: 2,
    batch_resume_uploaded_pct: 50,
    batch_event_attendance: { hackathon: 12 },
    buddies_attending_events: [],
  },
};

function delivery(type: NudgeType, daysAgo: number, acted = false, slot = 1): PlatformDelivery {
  return { type, slot, day: TODAY - daysAgo, acted };
}

/** Quiz deliveries on these days before today, oldest first. */
function quizzesOn(...daysAgo: number[]): PlatformDelivery[] {
  return daysAgo.map((days) => delivery('quiz', days));
}

function world(habits: number[], deliveries: PlatformDelivery[] = []): LearnerWorld {
  return {
    story: FLAT,
    record: RECORD,
    habits: Float64Array.from(habits),
    deliveries,
    mutesAbove: 10,
    muted: false,
  };
}

describe(applyActions.name, () => {
  it('changes the record for tomorrow: resume, one more project, the quiz and the event dated', () => {
    const before = structuredClone(RECORD);

    const sut = applyActions(RECORD, RESUME | PROJECT | QUIZ | EVENT, '2025-08-01');

    expect(sut.user_data.profile).toEqual({
      ...RECORD.user_data.profile,
      resume_uploaded: true,
      projects_added: 3,
      quiz_history: ['2025-05-01', 'dsa', '2025-08-01'],
    });
    expect(sut.user_data.activity).toEqual({
      ...RECORD.user_data.activity,
      last_event_attended: '2025-08-01',
      last_quiz_taken: '2025-08-01',
    });
    expect(sut.peer_snapshot).toBe(RECORD.peer_snapshot);
    // Requests already logged keep the record they were made with.
    expect(RECORD).toEqual(before);
  });

  it('changes only what the actions touch, and nothing on a day without any', () => {
    const sut = applyActions(RECORD, EVENT, '2025-08-01');

    expect(sut.user_data.profile).toEqual(RECORD.user_data.profile);
    expect(sut.user_data.activity.last_quiz_taken).toBe('2025-05-01');
    expect(sut.user_data.activity.last_event_attended).toBe('2025-08-01');
    expect(applyActions(RECORD, 0, '2025-08-01')).toBe(RECORD);
  });
});

describe(deliveryHistory.name, () => {
  it('sends the last 60 days of deliveries, newest last, acted or ignored', () => {
    const deliveries = [
      delivery('resume', 61, true),
      delivery('project', 60, true),
      delivery('quiz', 1, false, 1),
      delivery('comeback', 1, true, 2),
    ];

    expect(deliveryHistory(deliveries, TODAY, dateOf)).toEqual([
      { type: 'project', sent_at: '2025-06-02', outcome: 'acted' },
      { type: 'quiz', sent_at: '2025-07-31', outcome: 'ignored' },
      { type: 'comeback', sent_at: '2025-07-31', outcome: 'acted' },
    ]);
    expect(deliveryHistory([], TODAY, dateOf)).toEqual([]);
  });

  it('keeps the newest 200, the request’s limit', () => {
    // Five a day over the last 50 days: 250 deliveries.
    const deliveries = Array.from({ length: 250 }, (_, i) =>
      delivery('quiz', 50 - Math.floor(i / 5)),
    );

    const sut = deliveryHistory(deliveries, TODAY, dateOf);

    expect(sut).toHaveLength(200);
    expect(sut[0].sent_at).toBe(dateOf(TODAY - 40));
    expect(sut[199].sent_at).toBe(dateOf(TODAY - 1));
  });
});

describe(nudgeEffects.name, () => {
  it('scales the effect by slot, by the last delivery of the type and by the past week', () => {
    // The week before today brought 5 nudges (the quiz 3 days ago one of them); 8 days ago is
    // out of it.
    const past = [
      delivery('project', 8),
      delivery('quiz', 3),
      delivery('event_fomo', 2),
      delivery('resume', 2, false, 2),
      delivery('event_fomo', 1),
      delivery('project', 1, false, 2),
    ];

    const sut = nudgeEffects(FLAT, [{ type: 'quiz', slot: 2 }], past, TODAY, NO_FEATURES);

    expect(Array.from(sut)).toEqual([0, 0, 1.2 * 0.6 * 0.5 * (1 - 3 / 12), 0]);
  });

  it('adds the effects of two nudges asking for the same action', () => {
    const sut = nudgeEffects(
      FLAT,
      [
        { type: 'event_fomo', slot: 1 },
        { type: 'comeback', slot: 2 },
        { type: 'resume', slot: 3 },
      ],
      [],
      TODAY,
      NO_FEATURES,
    );

    expect(Array.from(sut)).toEqual([1 * 0.4, 0, 0, 1.4 + 0.6 * 0.6]);
    expect(Array.from(nudgeEffects(FLAT, [], [delivery('quiz', 1)], TODAY, NO_FEATURES))).toEqual([
      0, 0, 0, 0,
    ]);
  });
});

describe(mutesToday.name, () => {
  it('mutes with probability 0.1 after more than 10 nudges in the 7 days ending today', () => {
    const eleven = quizzesOn(6, 5, 4, 3, 3, 2, 2, 1, 1, 0, 0);

    expect(mutesToday(eleven, TODAY, 0.09, MUTING)).toBe(true);
    expect(mutesToday(eleven, TODAY, 0.1, MUTING)).toBe(false);
    expect(mutesToday(eleven.slice(1), TODAY, 0, MUTING)).toBe(false);
    // A delivery 7 days ago is out of the week.
    expect(mutesToday([delivery('quiz', 7), ...eleven.slice(1)], TODAY, 0, MUTING)).toBe(false);
  });
});

describe(liveDay.name, () => {
  it('draws the nudged action with its effect, marks the delivery acted and updates the record', () => {
    const sut = world([NEVER, NEVER, 0, NEVER]);

    // sigmoid(0 + 1.2) = 0.7685 > 0.7: the quiz nudge is acted on.
    const mask = liveDay(sut, TODAY, '2025-08-01', [{ type: 'quiz', slot: 1 }], [0, 0, 0.7, 0, 1]);

    expect(mask).toBe(QUIZ);
    expect(sut.deliveries).toEqual([{ type: 'quiz', slot: 1, day: TODAY, acted: true }]);
    expect(sut.record.user_data.activity.last_quiz_taken).toBe('2025-08-01');
    expect(sut.muted).toBe(false);
  });

  it('gives a muted learner no effect: the day they mute and after', () => {
    // Ten nudges in the six days before today, and today's: eleven.
    const sut = world([NEVER, NEVER, 0, NEVER], quizzesOn(6, 5, 5, 4, 4, 3, 3, 2, 2, 1));

    const mask = liveDay(sut, TODAY, '2025-08-01', [{ type: 'quiz', slot: 1 }], [0, 0, 0.7, 0, 0]);

    expect(sut.muted).toBe(true);
    // sigmoid(0) = 0.5 < 0.7: without the nudge's effect the quiz is not taken.
    expect(mask).toBe(0);
    expect(sut.deliveries[10]).toEqual({ type: 'quiz', slot: 1, day: TODAY, acted: false });
    expect(
      liveDay(sut, TODAY + 1, '2025-08-02', [{ type: 'quiz', slot: 1 }], [0, 0, 0.7, 0, 1]),
    ).toBe(0);
    expect(sut.muted).toBe(true);
  });

  it('ends the chance of another upload once the resume is uploaded', () => {
    const sut = world([0, NEVER, NEVER, NEVER]);

    expect(liveDay(sut, TODAY, '2025-08-01', [], [0.4, 0, 0, 0, 1])).toBe(RESUME);
    expect(sut.habits[0]).toBe(NEVER);
    expect(sut.record.user_data.profile.resume_uploaded).toBe(true);
    expect(liveDay(sut, TODAY + 1, '2025-08-02', [], [0, 0, 0, 0, 1])).toBe(0);
  });
});
