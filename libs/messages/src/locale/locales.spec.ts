import { resolveLocale } from './locales';

describe(resolveLocale.name, () => {
  it.each([
    ['es', undefined, 'es'],
    ['HI', undefined, 'hi'],
    ['es-MX', undefined, 'es'],
    ['hi-Deva-IN', undefined, 'hi'],
    ['es', 'hi', 'es'],
    [undefined, 'hi-IN,en;q=0.5', 'hi'],
    [null, 'en;q=0.4, es-419;q=0.9, hi;q=0.8', 'es'],
    [undefined, 'fr-FR, es;q=0.7, en;q=0.6', 'es'],
    [undefined, 'es;q=0.5, hi;q=0.5', 'es'],
    [undefined, 'es;q=0, hi;q=0.1', 'hi'],
    [undefined, ['fr', 'es;q=0.3'], 'es'],
    [undefined, '*', 'en'],
    [undefined, '*;q=1, hi;q=0.2', 'hi'],
    [undefined, 'es;q=abc, hi;q=0.2', 'hi'],
    [undefined, 'es;q=1.5, hi;q=0.2', 'hi'],
    [undefined, 'e$;q=0.9, hi;q=0.2', 'hi'],
    [undefined, ';;,,', 'en'],
    [undefined, 'fr, de', 'en'],
    [undefined, '', 'en'],
    [undefined, undefined, 'en'],
    ['fr', undefined, 'en'],
  ] as const)('answers locale %p with Accept-Language %p in %p', (requested, header, locale) => {
    expect(resolveLocale(requested, header)).toBe(locale);
  });
});
