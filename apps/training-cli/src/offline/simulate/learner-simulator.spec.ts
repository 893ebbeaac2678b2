import { looksLikeIsoDate, parseCalendarDate } from '@app/learner';
import { featureVector } from '@app/ml';
import {
  learnerRecord,
  simulateLearner,
  simulateSnapshot,
  snapshotId,
  userId,
} from './learner-simulator';
import { Random } from '../../cli/random';

const asOf = parseCalendarDate('2025-06-30')!;

function isCount(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

describe(simulateLearner.name, () => {
  const random = new Random(42);
  const snapshots = Array.from({ length: 4 }, (_, i) => simulateSnapshot(random, i));
  const learners = Array.from({ length: 500 }, (_, i) =>
    simulateLearner(random, userId(i, 500), snapshots[i % 4], asOf),
  );

  it('draws the same learner from the same seed', () => {
    const again = new Random(42);
    const replay = Array.from({ length: 4 }, (_, i) => simulateSnapshot(again, i));
    expect(simulateLearner(again, 'stu_001', replay[0], asOf)).toEqual({
      ...learners[0],
      user_id: 'stu_001',
    });
  });

  it('keeps counts non-negative integers and dates on or before as_of', () => {
    for (const { profile, activity } of learners) {
      for (const count of [
        profile.karma,
        profile.projects_added,
        profile.buddy_count,
        activity.login_streak,
        activity.posts_created,
        activity.buddies_interacted,
      ]) {
        expect(isCount(count)).toBe(true);
      }
      expect(activity.buddies_interacted).toBeLessThanOrEqual(profile.buddy_count);
      const dates = [
        ...profile.quiz_history.filter(looksLikeIsoDate),
        activity.last_event_attended,
        activity.last_quiz_taken,
      ].filter((date): date is string => typeof date === 'string');
      for (const date of dates) expect(parseCalendarDate(date)!).toBeLessThanOrEqual(asOf);
    }
  });

  it('only lists events of its own batch among the events buddies attend', () => {
    for (const learner of learners) {
      const snapshot = snapshots.find((s) => s.snapshot_id === learner.snapshot_id)!;
      for (const event of learner.buddies_attending_events) {
        expect(Object.keys(snapshot.batch_event_attendance)).toContain(event);
      }
    }
  });

  it('lets motivation raise activity, as the story says', () => {
    const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
    const keen = learners.filter((l) => l.latent.motivation > 0.5);
    const idle = learners.filter((l) => l.latent.motivation < -0.5);
    expect(mean(keen.map((l) => l.activity.login_streak))).toBeGreaterThan(
      mean(idle.map((l) => l.activity.login_streak)),
    );
  });
});

describe(learnerRecord.name, () => {
  it("makes the API request: the learner's profile and activity with its batch's peer snapshot", () => {
    const random = new Random(1);
    const snapshot = simulateSnapshot(random, 0);
    const learner = simulateLearner(random, 'stu_1', snapshot, asOf);

    const sut = learnerRecord(learner, snapshot);

    expect(sut).toEqual({
      user_data: { user_id: 'stu_1', profile: learner.profile, activity: learner.activity },
      peer_snapshot: {
        batch_avg_projects: snapshot.batch_avg_projects,
        batch_resume_uploaded_pct: snapshot.batch_resume_uploaded_pct,
        batch_event_attendance: snapshot.batch_event_attendance,
        buddies_attending_events: learner.buddies_attending_events,
      },
    });
    expect(featureVector(sut, asOf).every(Number.isFinite)).toBe(true);
  });
});

describe(userId.name, () => {
  it('pads ids to the width of the user count, so they sort in order', () => {
    expect(userId(0, 2000)).toBe('stu_0001');
    expect(userId(1999, 2000)).toBe('stu_2000');
    expect(snapshotId(9)).toBe('batch_10');
  });
});
