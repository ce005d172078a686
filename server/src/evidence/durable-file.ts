import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs'

/** Creates `path` (it must not exist) with `text` and flushes it to disk before returning. */
export function writeNewFileDurably(path: string, text: string, mode: number): void {
  const fd = openSync(path, 'wx', mode)
  try {
    writeSync(fd, text)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
