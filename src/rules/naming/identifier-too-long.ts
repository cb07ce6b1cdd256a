import type { Catalog, Constraint, Index, Table } from '../../catalog/model.js';
import { columnRef, constraintRef, indexRef, isPartition, qualify, quoteIdent, tableRef, userTables, userViews } from '../../catalog/helpers.js';
import type { ObjectRef, Severity } from '../../result.js';
import { defineRule, type FindingDraft } from '../types.js';
import { isToolTable, label, relationNamesIn } from './shared.js';
import type { NameSet } from './shared.js';

/** NAMEDATALEN − 1: Postgres keeps at most this many bytes of a name and drops the rest with a NOTICE. */
const MAX_BYTES = 63;
/** A name we propose must leave room below the limit, or it is the next finding. */
const PROPOSAL_MAX_BYTES = 55;

/**
 * Names Postgres generates itself (`<table>_<column>_key`, `…_pkey`, `…_seq`) are shortened part by
 * part to fit and keep their suffix; a 63-byte name with such a suffix is Postgres's, not a cut one.
 */
const GENERATED_SUFFIX = /_(pkey|key|fkey|check|excl|idx|not_null|seq)\d*$/;

function bytes(name: string): number {
  return Buffer.byteLength(name, 'utf8');
}

/** medium when surely cut; low when a multibyte character may not have fitted; null when the name is intact. */
function truncation(name: string): Severity | null {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: most names are too short to need counting.
  if (name.length * 3 < MAX_BYTES - 2) return null;
  const n = bytes(name);
  if (n >= MAX_BYTES) return 'medium';
  // Postgres cuts at a character boundary, so a cut name with 2–4 byte characters can end a little short of 63.
  if (n >= MAX_BYTES - 2 && /[^\x00-\x7f]/.test(name)) return 'low';
  return null;
}

interface Candidate {
  ref: ObjectRef;
  /** `Index \`x\` on \`t\`` */
  what: string;
  name: string;
  severity: Severity;
  /** The rename statement, with SLOT where the new name goes. */
  statement: string;
  /** A shorter name in Postgres's own style, when one fits and is free. */
  proposal: string | null;
}

const CONSTRAINT_SUFFIX: Readonly<Record<Constraint['type'], string>> = {
  'primary key': 'pkey', unique: 'key', 'foreign key': 'fkey', check: 'check', exclusion: 'excl',
};

/** Postgres's own naming for a constraint, when it fits comfortably and is free on the table. */
function constraintProposal(t: Table, c: Constraint): string | null {
  const parts = c.type === 'primary key' ? [t.name] : [t.name, ...c.columns];
  const name = `${parts.join('_')}_${CONSTRAINT_SUFFIX[c.type]}`;
  if (bytes(name) > PROPOSAL_MAX_BYTES || t.constraints.some((x) => x.name === name)) return null;
  return name;
}

function indexProposal(t: Table, i: Index, taken: NameSet): string | null {
  if (i.keys.some((k) => k.column === null)) return null;
  const name = `${[t.name, ...i.keys.map((k) => k.column as string)].join('_')}_idx`;
  if (bytes(name) > PROPOSAL_MAX_BYTES || taken.has(name)) return null;
  return name;
}

/** Where the new name goes in a rename statement. */
const SLOT = '\u0000';

const template = (statement: string) => `-- ${statement.replace(SLOT, () => '<a name well under 63 bytes>')}`;

function candidates(catalog: Catalog): Candidate[] {
  const out: Candidate[] = [];
  // Only names near the limit are described: the common case costs one length check.
  const add = (name: string, generated: boolean, make: () => Omit<Candidate, 'name' | 'severity'>) => {
    const severity = truncation(name);
    if (severity === null || (generated && GENERATED_SUFFIX.test(name))) return;
    out.push({ name, severity, ...make() });
  };
  for (const t of userTables(catalog)) {
    if (isToolTable(t)) continue;
    const rel = qualify(t.schema, t.name);
    add(t.name, false, () => ({ ref: tableRef(t), what: `Table \`${label(t)}\``, statement: `ALTER TABLE ${rel} RENAME TO ${SLOT};`, proposal: null }));
    // Partitions repeat their parent's columns, constraints and indexes under generated names.
    if (isPartition(t)) continue;
    for (const c of t.columns) {
      add(c.name, false, () => ({ ref: columnRef(t, c.name), what: `Column \`${label(t)}.${c.name}\``, statement: `ALTER TABLE ${rel} RENAME COLUMN ${quoteIdent(c.name)} TO ${SLOT};`, proposal: null }));
    }
    for (const c of t.constraints) {
      if (c.inherited) continue;
      add(c.name, true, () => ({
        ref: constraintRef(t, c), what: `Constraint \`${c.name}\` on \`${label(t)}\``,
        statement: `ALTER TABLE ${rel} RENAME CONSTRAINT ${quoteIdent(c.name)} TO ${SLOT};`, proposal: constraintProposal(t, c),
      }));
    }
    for (const i of t.indexes) {
      // An index backing a PK/UNIQUE/EXCLUDE constraint carries the constraint's name: reported once, as the constraint.
      if (i.constraint !== null) continue;
      add(i.name, true, () => ({
        ref: indexRef(i), what: `Index \`${i.name}\` on \`${label(t)}\``,
        statement: `ALTER INDEX ${qualify(i.schema, i.name)} RENAME TO ${SLOT};`, proposal: indexProposal(t, i, relationNamesIn(catalog, t.schema)),
      }));
    }
    for (const tr of t.triggers) {
      add(tr.name, false, () => ({ ref: { kind: 'trigger', schema: t.schema, table: t.name, name: tr.name }, what: `Trigger \`${tr.name}\` on \`${label(t)}\``, statement: `ALTER TRIGGER ${quoteIdent(tr.name)} ON ${rel} RENAME TO ${SLOT};`, proposal: null }));
    }
    for (const p of t.policies) {
      add(p.name, false, () => ({ ref: { kind: 'policy', schema: t.schema, table: t.name, name: p.name }, what: `Policy \`${p.name}\` on \`${label(t)}\``, statement: `ALTER POLICY ${quoteIdent(p.name)} ON ${rel} RENAME TO ${SLOT};`, proposal: null }));
    }
  }
  for (const v of userViews(catalog)) {
    const kind = v.materialized ? 'MATERIALIZED VIEW' : 'VIEW';
    add(v.name, false, () => ({ ref: { kind: 'view', schema: v.schema, name: v.name }, what: `${v.materialized ? 'Materialized view' : 'View'} \`${label(v)}\``, statement: `ALTER ${kind} ${qualify(v.schema, v.name)} RENAME TO ${SLOT};`, proposal: null }));
  }
  for (const s of catalog.sequences) {
    if (s.origin !== 'user') continue;
    add(s.name, s.ownedBy !== null, () => ({ ref: { kind: 'sequence', schema: s.schema, name: s.name }, what: `Sequence \`${label(s)}\``, statement: `ALTER SEQUENCE ${qualify(s.schema, s.name)} RENAME TO ${SLOT};`, proposal: null }));
  }
  for (const e of catalog.enums) {
    if (e.origin !== 'user') continue;
    add(e.name, false, () => ({ ref: { kind: 'enum', schema: e.schema, name: e.name }, what: `Enum type \`${label(e)}\``, statement: `ALTER TYPE ${qualify(e.schema, e.name)} RENAME TO ${SLOT};`, proposal: null }));
  }
  for (const f of catalog.functions) {
    if (f.origin !== 'user') continue;
    const kind = f.kind === 'procedure' ? 'PROCEDURE' : f.kind === 'aggregate' ? 'AGGREGATE' : 'FUNCTION';
    add(f.name, false, () => ({ ref: { kind: 'function', schema: f.schema, name: f.name }, what: `${kind === 'PROCEDURE' ? 'Procedure' : 'Function'} \`${label(f)}\``, statement: `ALTER ${kind} ${qualify(f.schema, f.name)}(${f.arguments}) RENAME TO ${SLOT};`, proposal: null }));
  }
  for (const s of catalog.schemas) {
    if (s.origin !== 'user') continue;
    add(s.name, false, () => ({ ref: { kind: 'schema', name: s.name }, what: `Schema \`${s.name}\``, statement: `ALTER SCHEMA ${quoteIdent(s.name)} RENAME TO ${SLOT};`, proposal: null }));
  }
  return out;
}

export default defineRule({
  meta: {
    id: 'identifier-too-long',
    category: 'naming',
    severity: 'medium',
    title: 'Name cut to PostgreSQL\'s 63-byte limit',
    rationale:
      'PostgreSQL keeps only the first 63 bytes of a name and drops the rest with a NOTICE nobody reads. Two long names that share '
      + 'those 63 bytes collide (the second CREATE fails, or with IF NOT EXISTS is silently skipped), and tools that compare the '
      + 'name you wrote with the one the database reports see a difference on every run.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const c of candidates(catalog)) {
      const severity = c.severity;
      const n = bytes(c.name);
      const surely = severity === 'medium';
      out.push({
        objects: [c.ref],
        severity,
        message: `${c.what} is ${n} bytes long: ${surely
          ? `that is PostgreSQL's limit for names (NAMEDATALEN − 1), so the name as written was almost certainly longer and was cut with only a NOTICE.`
          : `it has multibyte characters and Postgres cuts names at a character boundary below 63 bytes, so it may have been cut.`} `
          + 'Statements that repeat the long name still work (they are cut the same way), but another long name sharing these bytes collides — '
          + 'the second CREATE fails, or with IF NOT EXISTS is silently skipped — and ORM migrations or drift checks that compare the name you wrote '
          + `with this one see a mismatch. Rename it to ${c.proposal ? `\`${c.proposal}\`` : 'a name well under 63 bytes'} and use that name in the migrations.`,
        details: { name: c.name, bytes: n, limit: MAX_BYTES, suggestedName: c.proposal },
        fix: {
          sql: c.proposal === null ? template(c.statement) : c.statement.replace(SLOT, () => quoteIdent(c.proposal as string)),
          notes: 'A rename only changes the catalog: instant, with a brief ACCESS EXCLUSIVE lock (set a lock_timeout). '
            + 'Update the migration or ORM model that declares the long name in the same change, so the next deploy does not recreate it.',
        },
      });
    }
    return out;
  },
});
