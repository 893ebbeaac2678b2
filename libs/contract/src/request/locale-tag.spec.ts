import { isLocaleTag } from './locale-tag';

describe(isLocaleTag.name, () => {
  it.each(['en', 'es-MX', 'es-419', 'zh-Hant-TW', 'HI'])('accepts %p', (tag) => {
    expect(isLocaleTag(tag)).toBe(true);
  });

  it.each([
    '',
    'e',
    'english1',
    'es_MX',
    'es-',
    '-es',
    'es-MX-',
    'es--MX',
    'en-aaaaaaaa-bbbbbbbb-cccccccc-dddddddd',
  ])('rejects %p', (tag) => {
    expect(isLocaleTag(tag)).toBe(false);
  });
});
