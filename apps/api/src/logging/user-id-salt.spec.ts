import { drawUserIdSalt } from './user-id-salt';

describe(drawUserIdSalt.name, () => {
  it('draws a 32-hex-digit salt when ids are hashed and none is set', () => {
    const env: NodeJS.ProcessEnv = { LOG_USER_IDS: 'hash', LOG_USER_ID_SALT: '' };
    expect(drawUserIdSalt(env)).toBe(true);
    expect(env.LOG_USER_ID_SALT).toMatch(/^[0-9a-f]{32}$/);
    const again: NodeJS.ProcessEnv = { LOG_USER_IDS: 'hash' };
    drawUserIdSalt(again);
    expect(again.LOG_USER_ID_SALT).not.toBe(env.LOG_USER_ID_SALT);
  });

  it('keeps a salt that is set and draws none for raw ids', () => {
    const salted: NodeJS.ProcessEnv = {
      LOG_USER_IDS: 'hash',
      LOG_USER_ID_SALT: 'salt_0123456789ab',
    };
    expect(drawUserIdSalt(salted)).toBe(false);
    expect(salted.LOG_USER_ID_SALT).toBe('salt_0123456789ab');
    const raw: NodeJS.ProcessEnv = {};
    expect(drawUserIdSalt(raw)).toBe(false);
    expect(raw).toEqual({});
  });
});
