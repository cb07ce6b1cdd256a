import type { Location } from './catalog/model.js';

/**
 * Bad input or usage: the CLI prints `message` (prefixed with the location when known) and exits 2,
 * with no stack trace. Throw this for anything the user can fix.
 */
export class SchemasageError extends Error {
  readonly location: Location | null;
  readonly hint: string | null;
  constructor(message: string, opts: { location?: Location | null; hint?: string | null } = {}) {
    super(message);
    this.name = 'SchemasageError';
    this.location = opts.location ?? null;
    this.hint = opts.hint ?? null;
  }

  /** `file:line:column: message` (the form editors and CI annotate). */
  format(): string {
    const where = this.location ? `${this.location.file}:${this.location.line}:${this.location.column}: ` : '';
    return `${where}${this.message}${this.hint ? `\n  hint: ${this.hint}` : ''}`;
  }
}
