// Preloaded (`--require`) into a server under test: on SIGUSR2 the cluster's primary writes the
// files it has loaded to LOADED_MODULES_FILE, so a test can see what the supervisor pulled in.
// Workers inherit the preload and ignore it. Written whole, then renamed, so a reader never sees
// half a list.
const cluster = require('node:cluster');
const { renameSync, writeFileSync } = require('node:fs');

if (cluster.isPrimary && process.env.LOADED_MODULES_FILE) {
  const file = process.env.LOADED_MODULES_FILE;
  process.on('SIGUSR2', () => {
    writeFileSync(`${file}.part`, JSON.stringify(Object.keys(require.cache)));
    renameSync(`${file}.part`, file);
  });
}
