export {
  CalendarDay,
  formatCalendarDate,
  looksLikeDate,
  looksLikeIsoDate,
  parseCalendarDate,
  QUIZ_TOPIC,
  quizDay,
  todayUtc,
  utcDayOf,
  utcMidnightOf,
} from './calendar';
export {
  EventDisplayName,
  LearnerActivity,
  LearnerData,
  LearnerProfile,
  LearnerRecord,
  PeerSnapshot,
} from './learner';
export { fnv1a32, FNV_OFFSET_BASIS, FNV_PRIME, fnvOver } from './fnv';
export { NUDGE_TYPES, NudgeType } from './nudge-type';
export { formatNumber, round2 } from './number-format';
export { PRIORITIES, Priority } from './priority';
export { deriveSignals, LearnerSignals } from './signals';
export { stableSort } from './stable-sort';
