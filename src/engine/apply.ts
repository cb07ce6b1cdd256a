/**
 * Applies a source's statements one at a time — so CONCURRENTLY works, huge schemas do not exhaust
 * PGlite's lock table, and an error points at its statement — honouring the files' own BEGIN/COMMIT.
 */
import type { LoadNote, Location } from '../catalog/model.js';
import { SchemasageError } from '../errors.js';
import { EXTENSION_FOOTPRINTS } from './extensions.js';
import { pgErrorInfo, type EngineSession } from './session.js';

/** The part of a source Statement that applying needs. */
export interface ApplicableStatement {
  sql: string;
  file: string;
  line: number;
  column: number;
  ast: unknown;
}

export interface ApplyResult {
  applied: number;
  skipped: number;
  notes: LoadNote[];
  /** Extensions the engine lacked, with the statement that asked for each. */
  missingExtensions: Array<{ name: string; location: Location; skipped: Location[] }>;
}

function nodeOf(ast: unknown, kind: string): Record<string, unknown> | null {
  if (ast && typeof ast === 'object' && kind in ast) {
    const v = (ast as Record<string, unknown>)[kind];
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  }
  return null;
}

/** Location of the character at 1-based `position` inside a statement that starts at `stmt`. */
export function locationInStatement(stmt: ApplicableStatement, position: number): Location {
  const before = stmt.sql.slice(0, Math.max(0, position - 1));
  const lines = before.split('\n');
  if (lines.length === 1) return { file: stmt.file, line: stmt.line, column: stmt.column + before.length };
  return { file: stmt.file, line: stmt.line + lines.length - 1, column: (lines[lines.length - 1] ?? '').length + 1 };
}

function describe(stmt: ApplicableStatement): string {
  const text = stmt.sql.replace(/\s+/g, ' ').trim();
  return text.length > 70 ? `${text.slice(0, 67)}...` : text;
}

function at(l: Location): string {
  return `${l.file}:${l.line}`;
}

export async function applyStatements(session: EngineSession, statements: readonly ApplicableStatement[]): Promise<ApplyResult> {
  const missing = new Map<string, { location: Location; skipped: Array<{ location: Location; text: string }> }>();
  let applied = 0;
  let skipped = 0;
  let inTransaction = false;

  const usesMissing = (stmt: ApplicableStatement): string | null => {
    for (const name of missing.keys()) {
      const footprint = EXTENSION_FOOTPRINTS[name];
      if (footprint?.test(stmt.sql)) return name;
      if (new RegExp(`\\bextension\\s+(if\\s+exists\\s+)?"?${name.replace(/[-]/g, '\\-')}"?`, 'i').test(stmt.sql)) return name;
    }
    return null;
  };

  for (const stmt of statements) {
    const here: Location = { file: stmt.file, line: stmt.line, column: stmt.column };
    const ext = nodeOf(stmt.ast, 'CreateExtensionStmt');
    if (ext && typeof ext.extname === 'string' && !session.hasExtension(ext.extname)) {
      if (!missing.has(ext.extname)) missing.set(ext.extname, { location: here, skipped: [] });
      skipped++;
      continue;
    }
    const dependsOn = usesMissing(stmt);
    if (dependsOn) {
      missing.get(dependsOn)?.skipped.push({ location: here, text: describe(stmt) });
      skipped++;
      continue;
    }
    const tx = nodeOf(stmt.ast, 'TransactionStmt');
    try {
      await session.exec(stmt.sql);
    } catch (err) {
      const info = pgErrorInfo(err);
      if (!info) throw err;
      if (inTransaction) {
        try {
          await session.exec('ROLLBACK');
        } catch {
          // already rolled back
        }
      }
      const location = info.position ? locationInStatement(stmt, info.position) : here;
      const extra = [info.detail ? `detail: ${info.detail}` : null, info.hint ? `hint: ${info.hint}` : null].filter(Boolean).join('; ');
      throw new SchemasageError(`${info.message}${info.code ? ` (SQLSTATE ${info.code})` : ''}`, {
        location,
        hint: extra || null,
      });
    }
    applied++;
    if (tx) {
      const kind = String(tx.kind ?? '');
      if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') inTransaction = true;
      else if (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK' || kind === 'TRANS_STMT_PREPARE') inTransaction = false;
    }
  }
  const notes: LoadNote[] = [];
  if (inTransaction) {
    await session.exec('COMMIT');
    notes.push({ kind: 'info', message: 'the last file leaves a transaction open (BEGIN without COMMIT); committed it', location: null });
  }
  for (const [name, m] of missing) {
    const uses = m.skipped.length
      ? `; also skipped ${m.skipped.length} statement${m.skipped.length === 1 ? '' : 's'} that use it: ${m.skipped.slice(0, 5).map((s) => `${at(s.location)} (${s.text})`).join(', ')}${m.skipped.length > 5 ? ', …' : ''}`
      : '';
    notes.push({
      kind: 'missing-extension',
      message: `extension "${name}" is not available in this engine; skipped CREATE EXTENSION${uses}. Objects it would create are not reviewed (use --shadow-db with a server that has it)`,
      location: m.location,
    });
  }
  return {
    applied,
    skipped,
    notes,
    missingExtensions: [...missing].map(([name, m]) => ({ name, location: m.location, skipped: m.skipped.map((s) => s.location) })),
  };
}
