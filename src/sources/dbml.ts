// PLACEHOLDER: replaced by the real loader.
import { SchemasageError } from '../errors.js';
import type { GeneratedSource } from './types.js';

export async function loadDbml(absPath: string, _display: (abs: string) => string, _cwd: string): Promise<GeneratedSource> {
  throw new SchemasageError(`${absPath}: dbml sources are not supported yet`);
}
