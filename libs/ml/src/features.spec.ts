import { deriveSignals, LearnerRecord, parseCalendarDate } from '@app/learner';
import {
  encodeFeatures,
  FEATURE_COUNT,
  FEATURE_NAMES,
  featureVector,
  newFeatureVector,
} from './features';

/** A learner with a resume, a long streak and no quiz date: every kind of feature is non-trivial. */
const record: LearnerRecord = {
  user_data: {
    user_id: 'stu_42',
    profile: {
      resume_uploaded: true,
      goal_tags: ['ml', 'gre', 'cloud'],
      karma: 999,
      projects_added: 14,
      quiz_history: ['python', 'sql'],
      clubs_joined: ['ai', 'chess'],
      buddy_count: 7,
    },
    activity: {
      login_streak: 20,
      posts_created: 0,
      buddies_interacted: 3,
      last_event_attended: '2025-05-01',
      last_quiz_taken: null,
    },
  },
  peer_snapshot: {
    batch_avg_projects: 12.5,
    batch_resume_uploaded_pct: 40,
    batch_event_attendance: { meetup: 2, hackathon: 30 },
    buddies_attending_events: ['meetup', 'hackathon'],
  },
};
const asOf = parseCalendarDate('2025-06-30')!;

describe(featureVector.name, () => {
  it('encodes the contract in the order of FEATURE_NAMES', () => {
    const sut = featureVector(record, asOf);
    expect(sut).toHaveLength(FEATURE_COUNT);
    const named = Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, sut[i]]));
    expect(named).toEqual({
      resume_uploaded: 1,
      log_karma: Math.log(1000),
      projects_added: 10,
      goal_tag_count: 3,
      clubs_joined: 2,
      log_buddy_count: Math.log(8),
      log_login_streak: Math.log(21),
      log_posts_created: 0,
      log_buddies_interacted: Math.log(4),
      quizzes_taken: 0,
      quiz_recency_months: 3,
      never_quizzed: 1,
      event_recency_months: 60 / 30,
      never_attended: 0,
      peer_resume_share: 0.4,
      peer_avg_projects: 10,
      buddy_event_count: 2,
      log_peer_event_max: Math.log(31),
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

  it('fills a vector it is given, every slot, and returns it', () => {
    const into = new Float64Array(FEATURE_COUNT).fill(Number.NaN);

    const sut = encodeFeatures(deriveSignals(record, asOf), into);

    expect(sut).toBe(into);
    expect([...sut]).toEqual([...featureVector(record, asOf)]);
  });
});

describe(newFeatureVector.name, () => {
  it('gives zeroed vectors of FEATURE_COUNT that share no slot, across blocks', () => {
    const vectors = Array.from({ length: 600 }, () => newFeatureVector());
    vectors.forEach((vector, i) => vector.fill(i));

    expect(vectors.every((vector) => vector.length === FEATURE_COUNT)).toBe(true);
    expect(vectors.every((vector, i) => vector.every((value) => value === i))).toBe(true);
    expect(newFeatureVector().every((value) => value === 0)).toBe(true);
  });

  it('keeps the vectors encodeFeatures makes apart from each other', () => {
    const first = featureVector(record, asOf);
    const firstValues = [...first];

    const second = encodeFeatures(
      deriveSignals(
        { ...record, peer_snapshot: { ...record.peer_snapshot, batch_avg_projects: 1 } },
        asOf,
      ),
    );

    expect([...first]).toEqual(firstValues);
    expect(second[FEATURE_NAMES.indexOf('peer_avg_projects')]).toBe(1);
    expect(first[FEATURE_NAMES.indexOf('peer_avg_projects')]).toBe(10);
  });
});
