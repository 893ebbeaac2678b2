import { Inject, Injectable } from '@nestjs/common';
import { computeFomo, FomoInput, FomoResult, FomoSettings } from './fomo-score';
import { FOMO_SETTINGS } from './fomo.module-definition';

/** The FOMO formula with the settings from config. */
@Injectable()
export class FomoService {
  constructor(@Inject(FOMO_SETTINGS) private readonly settings: FomoSettings) {}

  score(input: FomoInput): FomoResult {
    return computeFomo(input, this.settings);
  }
}
