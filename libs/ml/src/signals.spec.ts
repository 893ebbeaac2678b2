import { parseCalendarDate } from './calendar';
import { encodeFeatures, FEATURE_COUNT, FEATURE_NAMES, featureVector } from './features';
import { LearnerRecord } from './learner';
import { deriveSignals } from './signals';

const record: LearnerRecord = {
  user_data: {
    user_id: 'stu_7023',
    profile: {
      resume_uploaded: false,
      goal_tags: ['GRE', 'data science'],
      karma: 190,
      projects_added: 0,
      quiz_history: ['2025-06-01', 'python', '2025-05-20', '2025-06-01'],
      clubs_joined: [],
      buddy_count: 3,
    },
    activity: {
      login_streak: 2,
      posts_created: 1,
      buddies_interacted: 0,
      last_event_attended: '2025-06-14',
      last_quiz_taken: '2025-06-10',
    },
  },
  peer_snapshot: {
    batch_avg_projects: 2,
    batch_resume_uploaded_pct: 84,
    batch_event_attendance: { 'startup-meetup': 5, 'coding-contest': 9 },
    buddies_attending_events: ['coding-contest'],
  },
};
const asOf = parseCalendarDate('2025-06-30')!;

describe(deriveSignals.name, () => {
  it('takes the latest of quiz_history dates and last_quiz_taken, counting distinct dates', () => {
    const sut = deriveSignals(record, asOf);
    expect(sut.daysSinceLastQuiz).toBe(20);
    expect(sut.quizzesTaken).toBe(3);
    expect(sut.quizTopicCount).toBe(1);
    expect(sut.daysSinceLastEvent).toBe(16);
  });

  it('treats absent and null dates as unknown', () => {
    const sut = deriveSignals(
      {
        ...record,
        user_data: {
          ...record.user_data,
          profile: { ...record.user_data.profile, quiz_history: ['python'] },
          activity: {
            ...record.user_data.activity,
            last_event_attended: null,
            last_quiz_taken: undefined,
          },
        },
      },
      asOf,
    );
    expect(sut.daysSinceLastQuiz).toBeNull();
    expect(sut.daysSinceLastEvent).toBeNull();
    expect(sut.quizzesTaken).toBe(0);
  });
});

describe(featureVector.name, () => {
  it('encodes the contract in the order of FEATURE_NAMES', () => {
    const sut = featureVector(record, asOf);
    expect(sut).toHaveLength(FEATURE_COUNT);
    const named = Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, sut[i]]));
    expect(named).toEqual({
      resume_uploaded: 0,
      log_karma: Math.log(191),
      projects_added: 0,
      goal_tag_count: 2,
      clubs_joined: 0,
      log_buddy_count: Math.log(4),
      log_login_streak: Math.log(3),
      log_posts_created: Math.log(2),
      log_buddies_interacted: 0,
      quizzes_taken: 3,
      quiz_recency_months: 20 / 30,
      never_quizzed: 0,
      event_recency_months: 16 / 30,
      never_attended: 0,
      peer_resume_share: 0.84,
      peer_avg_projects: 2,
      buddy_event_count: 1,
      log_peer_event_max: Math.log(10),
    });
  });

  it('caps recency at three months and flags missing dates', () => {
    const signals = {
      ...deriveSignals(record, asOf),
      daysSinceLastQuiz: null,
      daysSinceLastEvent: 400,
    };
    const sut = encodeFeatures(signals);
    expect(sut[FEATURE_NAMES.indexOf('quiz_recency_months')]).toBe(3);
    expect(sut[FEATURE_NAMES.indexOf('never_quizzed')]).toBe(1);
    expect(sut[FEATURE_NAMES.indexOf('event_recency_months')]).toBe(3);
    expect(sut[FEATURE_NAMES.indexOf('never_attended')]).toBe(0);
  });
});
