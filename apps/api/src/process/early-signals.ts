/**
 * Imported first by main.ts, before the framework loads (a second or more): until then SIGHUP's
 * default action would kill the process (exit 129), primary or worker. A SIGHUP in that time is
 * remembered instead, and the service reloads once it is ready. Nothing else is imported here,
 * so the handler is in place within milliseconds of Node's own start.
 */
let queued = false;
const remember = (): void => {
  queued = true;
};
process.on('SIGHUP', remember);

/**
 * Stops remembering SIGHUP and says whether one came since start-up. Call it once the real
 * handler is installed, so that no signal falls between the two.
 */
export function endSighupQueue(): boolean {
  process.off('SIGHUP', remember);
  return queued;
}
