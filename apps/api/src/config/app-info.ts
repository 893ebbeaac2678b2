import { name, version } from '../../../../package.json';

/** The service's name and version, as package.json has them. */
export const APP_INFO = { name, version } as const;
