import { parseCalendarDate } from './calendar';
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
