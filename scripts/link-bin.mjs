// `npx schemasage` from a clone runs this checkout's CLI: npm links dependencies' bins into
// node_modules/.bin but never the root package's own, so we link it after install (npm ci → prepare).
import { chmodSync, existsSync, lstatSync, mkdirSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(root, 'node_modules', '.bin');
const target = join(root, 'bin', 'schemasage.js');
const link = join(binDir, 'schemasage');
// Installed as a dependency (inside someone's node_modules) npm links the bin itself.
if (!existsSync(join(root, 'node_modules')) || root.split(/[\\/]/).includes('node_modules')) process.exit(0);
mkdirSync(binDir, { recursive: true });
try {
  if (lstatSync(link)) unlinkSync(link);
} catch {
  // no previous link
}
try {
  symlinkSync(relative(binDir, target), link);
  chmodSync(target, 0o755);
} catch (err) {
  console.warn(`schemasage: could not link node_modules/.bin/schemasage (${err.message}); use node bin/schemasage.js`);
}
