export {
  computeFomo,
  DEFAULT_FOMO_SETTINGS,
  FomoInput,
  FomoLevel,
  fomoLevel,
  FomoResult,
  FomoSettings,
} from './fomo-score';
