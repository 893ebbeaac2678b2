/** Tag pools the simulator draws from: the kinds of values real learner profiles hold. */
export const GOAL_TAGS = [
  'GRE',
  'GMAT',
  'data science',
  'web development',
  'machine learning',
  'placements',
  'higher studies',
  'startup',
  'cloud',
  'cybersecurity',
  'product management',
  'DSA',
  'open source',
  'UPSC',
] as const;

export const QUIZ_TOPICS = [
  'python',
  'sql',
  'statistics',
  'dsa',
  'javascript',
  'machine learning',
  'aptitude',
  'verbal',
  'system design',
  'java',
  'react',
  'cloud basics',
] as const;

export const CLUBS = [
  'coding-club',
  'ai-society',
  'robotics',
  'entrepreneurship-cell',
  'debate',
  'music',
  'photography',
  'finance-club',
  'design-guild',
  'quiz-club',
] as const;

export const EVENTS = [
  'startup-meetup',
  'coding-contest',
  'hackathon',
  'career-fair',
  'ai-workshop',
  'alumni-talk',
  'resume-clinic',
  'open-source-sprint',
  'design-jam',
  'mock-interview-day',
  'tech-talk',
  'product-teardown',
] as const;
