import { REQUEST_LIMITS } from './limits';

const LOCALE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

/** Whether a string has the shape of a BCP 47 language tag (`en`, `es-MX`, `zh-Hant-TW`). */
export function isLocaleTag(value: string): boolean {
  return value.length <= REQUEST_LIMITS.localeLength && LOCALE_TAG.test(value);
}
