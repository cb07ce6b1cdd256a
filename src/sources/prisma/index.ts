// PLACEHOLDER: replaced by the real loader.
import { SchemasageError } from '../../errors.js';
import type { GeneratedSource } from '../types.js';

export async function loadPrisma(absPath: string, _display: (abs: string) => string, _cwd: string): Promise<GeneratedSource> {
  throw new SchemasageError(`${absPath}: prisma sources are not supported yet`);
}
