import {
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { MANIFEST_FILE } from '@app/ml';

/** How the new set's files are written: the file system, or a stub in tests. */
export interface SetWriter {
  copyFile(from: string, to: string): Promise<void>;
  writeFile(path: string, text: string): Promise<void>;
}

export const FILE_SYSTEM_WRITER: SetWriter = {
  copyFile: (from, to) => copyFile(from, to),
  writeFile: (path, text) => writeFile(path, text),
};

/** Every file below `dir`, as paths relative to it, sorted. */
export async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

/**
 * Replaces the set in `currentDir` by the files of `candidateDir`, with `manifest` as its
 * manifest.json. The new set is written whole into a temporary sibling folder (the manifest
 * last) and `check`ed there; only then is the current folder renamed aside and the new one
 * renamed into its place, and the old one removed. A failure before the swap removes the
 * temporary folder and leaves the current set as it was; files of the current set that the
 * candidate lacks do not survive the swap. The candidate folder is only read.
 */
export async function replaceModelSet(
  candidateDir: string,
  currentDir: string,
  manifest: string,
  check: (dir: string) => Promise<void>,
  writer: SetWriter = FILE_SYSTEM_WRITER,
): Promise<void> {
  const current = resolve(currentDir);
  const files = (await filesBelow(candidateDir)).filter((file) => file !== MANIFEST_FILE);
  const { mode } = await stat(current);
  const staging = await mkdtemp(join(dirname(current), `.${basename(current)}.promoting-`));
  try {
    // mkdtemp makes the folder private; the set keeps the current folder's permissions.
    await chmod(staging, mode & 0o7777);
    for (const file of files) {
      await mkdir(dirname(join(staging, file)), { recursive: true });
      await writer.copyFile(join(candidateDir, file), join(staging, file));
    }
    // Last, as train writes it: a set without its manifest is no set.
    await writer.writeFile(join(staging, MANIFEST_FILE), manifest);
    await check(staging);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  const retired = `${staging}.retired`;
  await rename(current, retired);
  try {
    await rename(staging, current);
  } catch (error) {
    await rename(retired, current);
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  await rm(retired, { recursive: true, force: true });
}
