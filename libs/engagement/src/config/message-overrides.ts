import { BUNDLED_CATALOGS, catalogProblems } from '@app/messages';
import { FieldError, fieldError } from '@app/contract';
import { EngineConfigFile } from './engine-config.dto';
import { MESSAGE_IDS, MessageId } from './message-templates';
import { MessageSection } from './wording-config.dto';

export type Catalog = Record<string, string>;

/**
 * The deprecated `messages` section as English catalog entries (`<id>.title`, `<id>.action`),
 * with any problem an entry has reported under its config path.
 */
export function messageOverrides(file: EngineConfigFile, errors: FieldError[]): Catalog {
  const overrides: Catalog = {};
  const sections = file.messages as Partial<Record<MessageId, MessageSection>>;
  for (const id of MESSAGE_IDS) {
    const section = sections[id];
    if (section === undefined) continue;
    for (const field of ['title', 'action'] as const) {
      const key = `${id}.${field}`;
      const problems = catalogProblems('en', { ...BUNDLED_CATALOGS.en, [key]: section[field] });
      const path = `messages.${id}.${field}`;
      // Each problem's message starts with its own path; the config path replaces it.
      for (const problem of problems) {
        errors.push(fieldError(path, problem.message.slice(problem.path.length + 1)));
      }
      overrides[key] = section[field];
    }
  }
  return overrides;
}

export function deprecationsOf(overrides: Catalog): string[] {
  const keys = Object.keys(overrides);
  if (keys.length === 0) return [];
  return [
    `config key "messages" is deprecated: its texts (${keys.join(', ')}) override the English catalog; move them into the catalog at libs/messages/src/catalogs/en.json`,
  ];
}
