#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm run build` / `npm ci`); falls back to the TypeScript
// sources through tsx in a development checkout that has not been built.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dist = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
let mod;
if (existsSync(dist)) {
  mod = await import(pathToFileURL(dist).href);
} else {
  const { tsImport } = await import('tsx/esm/api');
  mod = await tsImport('../src/cli/main.ts', import.meta.url);
}
const code = await mod.main(process.argv.slice(2));
process.exitCode = code;
