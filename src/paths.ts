/** How a path is shown to the user: relative to the working directory when inside it, else absolute. */
import { isAbsolute, relative } from 'node:path';

export function shownPath(abs: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}
