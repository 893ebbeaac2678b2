import { Inject, Injectable } from '@nestjs/common';
import { evaluateRules, RuleCandidate, RuleInput } from './rules';
import { RulesConfig } from './rules.config';
import { RULES_CONFIG } from './rules.module-definition';

/** The deterministic rules with the thresholds from config. */
@Injectable()
export class RulesService {
  constructor(@Inject(RULES_CONFIG) private readonly config: RulesConfig) {}

  evaluate(input: RuleInput, fomoScore: number): RuleCandidate[] {
    return evaluateRules(input, this.config, fomoScore);
  }
}
