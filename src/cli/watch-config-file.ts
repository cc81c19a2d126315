import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface ConfigFileWatcher {
  close(): void;
}

/**
 * Calls `onChange` after the file at `path` changed, debounced (`debounceMs` after the last
 * event). Watches the file's directory, not the file: editors that save by writing a new file and
 * renaming it over the old one (vim, most IDEs) replace the inode a file watch would follow.
 */
export function watchConfigFile(
  path: string,
  onChange: () => void,
  options: { debounceMs?: number; onError?: (error: Error) => void } = {},
): ConfigFileWatcher {
  const name = basename(path);
  const debounceMs = options.debounceMs ?? 250;
  let timer: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(dirname(path), { persistent: false }, (_event, file) => {
    // Some platforms omit the name: treat it as a possible change of ours.
    if (file !== null && file.toString() !== name) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  });
  watcher.on('error', (error) => options.onError?.(error));
  return {
    close: () => {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
