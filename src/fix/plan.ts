/**
 * From the chosen findings to one ordered migration: each fix read statement by statement, fixes
 * that need a human left out with the reason, colliding fixes resolved in favour of the first (by
 * severity, then id), identical statements written once, and every statement placed in its phase
 * without ever running before a statement of its own fix that it needs.
 */
import type { Catalog } from '../catalog/model.js';
import { SchemasageError } from '../errors.js';
import { alterCmds, stmtKind } from '../migration/ast.js';
import type { Finding } from '../result.js';
import { splitStatementsSync } from '../sources/split.js';
import { preChecksFor } from './precheck.js';
import { dependsOn, phaseRank, readStatement, type Claim, type FixStatement, type SchemaView } from './statements.js';
import { FIX_PHASES, type PreCheck } from './types.js';

export interface PlannedFinding {
  finding: Finding;
  /** What it contributes, in its own order (duplicates of earlier fixes removed). */
  statements: FixStatement[];
  /** Statements left out because an earlier fix already has them, and rewrites made for lock safety. */
  notes: string[];
}

export interface Migration {
  included: PlannedFinding[];
  skipped: Array<{ finding: Finding; reason: string }>;
  /** Every statement in the order it runs. */
  ordered: FixStatement[];
  preChecks: PreCheck[];
}

/** `<value>`-style placeholders, outside comments and string literals. */
const PLACEHOLDER = /<[A-Za-z_][^<>;\n]*?[^\s<>]>/;

function withoutLiteralsAndComments(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\$([A-Za-z_]*)\$[\s\S]*?\$\1\$/g, "''")
    .replace(/'(?:[^']|'')*'/g, "''");
}

function short(sql: string, max = 90): string {
  const one = sql.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/**
 * Rules whose fix is the first half of an expand/contract change: it creates and backfills the new
 * structure and leaves dropping the old one, commented, for after the application has moved. Its
 * finding stays until then, so verification could only ever call it failed.
 */
const EXPAND_CONTRACT_RULES = new Set(['id-array-instead-of-junction', 'repeating-column-group']);

/**
 * Why a finding's fix cannot go into a migration as it stands, or null when it can. Returns the
 * executable statements otherwise (transaction control dropped: the migration has its own).
 */
export function fixStatements(f: Finding): { statements: string[] } | { reason: string } {
  if (!f.fix || !f.fix.sql.trim()) return { reason: 'the rule offers no fix SQL for it' };
  if (EXPAND_CONTRACT_RULES.has(f.rule)) {
    return { reason: 'its fix is the first step of an expand/contract change (create and backfill; drop the old columns once the application has moved): run that step from the review on its own' };
  }
  const placeholder = PLACEHOLDER.exec(withoutLiteralsAndComments(f.fix.sql))?.[0];
  if (placeholder) return { reason: `its fix SQL has a placeholder to fill in (${placeholder})` };
  let split;
  try {
    split = splitStatementsSync({ path: `fix of ${f.id}`, text: f.fix.sql }, 0);
  } catch (err) {
    const why = err instanceof SchemasageError ? err.message : String(err);
    return { reason: `its fix SQL is an outline to complete by hand (it does not parse: ${why})` };
  }
  const statements = split.filter((s) => stmtKind(s.ast)?.kind !== 'TransactionStmt');
  if (statements.length === 0) return { reason: 'its fix is guidance in comments only: the change needs decisions only you can make' };
  if (statements.every((s) => stmtKind(s.ast)?.kind === 'SelectStmt')) {
    return { reason: `its fix starts with a query whose answer you need (${short(statements[0]?.sql ?? '', 60)}); the change itself is left in comments` };
  }
  return { statements: statements.map((s) => s.sql) };
}

function singleCommand(st: FixStatement): boolean {
  const s = stmtKind(st.ast);
  return s?.kind !== 'AlterTableStmt' || alterCmds(s.body).length === 1;
}

function normalised(sql: string): string {
  return sql.replace(/\s+/g, ' ').replace(/;\s*$/, '').trim();
}

function describeClaim(c: Claim): string {
  const verb = c.action === 'drop' ? 'drop' : c.action === 'rename' ? 'rename' : c.action === 'create' ? 'create' : c.action === 'retype' ? 'change the type of' : 'change the nullability of';
  return `${verb} ${c.object.replace(/^(\w+) public\./, '$1 ')}`;
}

/** Two claims on one object that cannot both happen; equal re-typings (or nullability changes) are merely repeats. */
function collides(a: Claim, b: Claim): 'conflict' | 'repeat' | null {
  if (a.object !== b.object) return null;
  // Identical statements never get here (they are written once): two different ones creating one name clash.
  if (a.action === 'create' || b.action === 'create') return a.action === b.action ? 'conflict' : null;
  if (a.action === 'drop' || a.action === 'rename' || b.action === 'drop' || b.action === 'rename') return 'conflict';
  if (a.action !== b.action) return null;
  return a.value === b.value ? 'repeat' : 'conflict';
}

export function buildMigration(selected: readonly Finding[], schema: SchemaView, catalog: Catalog): Migration {
  const included: PlannedFinding[] = [];
  const skipped: Migration['skipped'] = [];
  // Each statement's text, normalised → the statement that writes it (of an earlier fix).
  const seen = new Map<string, FixStatement>();
  const claims: Array<{ claim: Claim; finding: string }> = [];

  for (const f of selected) {
    const read = fixStatements(f);
    if ('reason' in read) {
      skipped.push({ finding: f, reason: read.reason });
      continue;
    }
    const statements: FixStatement[] = [];
    for (const sql of read.statements) {
      const { statement, extra } = readStatement(f.id, sql, schema);
      statements.push(statement);
      for (const x of extra) statements.push(readStatement(f.id, x, schema).statement);
    }

    let conflict: string | null = null;
    const repeats = new Set<FixStatement>();
    // A fix whose every statement an earlier one already has is done by it; sharing only the drop
    // of an object (two ways of replacing one constraint) is a collision.
    const covered = statements.every((st) => seen.has(normalised(st.sql)));
    for (const st of statements) {
      const identical = seen.has(normalised(st.sql));
      let repeated = 0;
      for (const claim of st.claims) {
        if (identical && (covered || (claim.action !== 'drop' && claim.action !== 'rename'))) continue;
        const outcomes = claims.map((prev) => ({ prev, c: collides(prev.claim, claim) }));
        const clash = outcomes.find((o) => o.c === 'conflict');
        if (clash && !conflict) conflict = `it collides with ${clash.prev.finding}'s fix (both ${describeClaim(claim)}); the first by severity is kept: fix this one after re-reviewing`;
        if (outcomes.some((o) => o.c === 'repeat')) repeated++;
      }
      // A one-command statement whose only effect an earlier step already has (the same column, the same type).
      if (st.claims.length > 0 && repeated === st.claims.length && singleCommand(st)) repeats.add(st);
    }
    if (conflict) {
      skipped.push({ finding: f, reason: conflict });
      continue;
    }

    const notes: string[] = [];
    const kept: FixStatement[] = [];
    // Statements left out still order this fix: what follows one waits for the copy that runs.
    const phantoms = new Set<FixStatement>();
    for (const st of statements) {
      const owner = seen.get(normalised(st.sql));
      if (owner && owner.finding !== f.id) {
        notes.push(`\`${short(st.sql)}\` is already in ${owner.finding}'s step`);
        st.phase = owner.phase;
        phantoms.add(st);
        continue;
      }
      if (repeats.has(st)) {
        notes.push(`\`${short(st.sql)}\` repeats a change an earlier step makes`);
        phantoms.add(st);
        continue;
      }
      if (st.rewritten) notes.push(`\`${short(st.sql)}\`: ${st.rewritten}`);
      seen.set(normalised(st.sql), st);
      kept.push(st);
    }
    for (const st of kept) for (const claim of st.claims) claims.push({ claim, finding: f.id });

    // A statement never runs before one of its own fix that it needs: it joins that one's phase.
    for (const [i, st] of statements.entries()) {
      if (phantoms.has(st)) continue;
      for (const prev of statements.slice(0, i)) {
        if (phaseRank(prev.phase) > phaseRank(st.phase) && dependsOn(st, prev)) st.phase = prev.phase;
      }
    }
    included.push({ finding: f, statements: kept, notes });
  }

  const ordered: FixStatement[] = [];
  for (const phase of FIX_PHASES) for (const p of included) for (const st of p.statements) if (st.phase === phase) ordered.push(st);

  const preChecks: PreCheck[] = [];
  const known = new Set<string>();
  for (const p of included) {
    for (const [i, st] of p.statements.entries()) {
      for (const c of preChecksFor(st, p.statements.slice(0, i), schema, catalog)) {
        if (known.has(c.sql)) continue;
        known.add(c.sql);
        preChecks.push({ finding: p.finding.id, what: c.what, sql: c.sql });
      }
    }
  }
  return { included, skipped, ordered, preChecks };
}
