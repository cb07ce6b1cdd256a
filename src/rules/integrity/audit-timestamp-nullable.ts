import type { Catalog, Column, Table } from '../../catalog/model.js';
import { columnRef, qualify, quoteIdent } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import {
  BACKFILL_NOTE, NULL_MEANING, auditRole, backfillSql, judgedTables, label, mentionsColumn, nowFor, ownColumns, setNotNullSql,
} from './shared-a.js';

/** A BEFORE INSERT row trigger that mentions the column fills it like a default does. */
function filledOnInsert(catalog: Catalog, t: Table, c: Column): boolean {
  return t.triggers.some((tr) => {
    if (tr.timing !== 'before' || tr.level !== 'row' || !tr.events.includes('insert') || !tr.enabled) return false;
    const fn = catalog.functions.find((f) => f.schema === tr.functionSchema && f.name === tr.functionName);
    return (fn !== undefined && mentionsColumn(fn.source, c.name)) || mentionsColumn(tr.definition.replace(/^[\s\S]*?EXECUTE (?:FUNCTION|PROCEDURE)/i, ''), c.name);
  });
}

export default defineRule({
  meta: {
    id: 'audit-timestamp-nullable',
    category: 'integrity',
    severity: 'low',
    title: 'Audit timestamp that can be NULL or has no default',
    rationale:
      'created_at and updated_at are only trustworthy when every row has one. A nullable column lets an INSERT that forgets it store NULL, ' +
      'and those rows then vanish from every "created since" query, export and retention job; a column without a default relies on every ' +
      'writer to remember it. DEFAULT now() plus NOT NULL makes the database fill it.',
    enabledByDefault: true,
  },
  check({ catalog, review }) {
    const out: FindingDraft[] = [];
    for (const t of judgedTables(catalog)) {
      for (const c of ownColumns(catalog, t)) {
        const role = auditRole(c);
        if (role === null || c.generated !== null) continue;
        const noDefault = c.default === null && !filledOnInsert(catalog, t, c);
        const nullable = !c.notNull;
        if (!nullable && !noDefault) continue;
        // NOT NULL and filled by the ORM on every insert: the guarantee holds, the default is a matter of taste.
        if (!nullable && review.orm !== null) continue;
        // NULL documented as meaning something ("NULL until first edited") is a design, not an accident.
        if (nullable && c.comment && NULL_MEANING.test(c.comment)) continue;

        const rel = qualify(t.schema, t.name);
        const col = quoteIdent(c.name);
        const now = nowFor(c);
        const sibling = t.columns.find((o) => o !== c && auditRole(o) !== null && auditRole(o) !== role);
        // The other audit time is the closest real bound we have: a row was created no later than it was updated.
        const backfillValue = sibling ? `coalesce(${quoteIdent(sibling.name)}, ${now})` : now;
        const sql: string[] = [];
        const notes: string[] = [];
        if (noDefault) sql.push(`ALTER TABLE ${rel} ALTER COLUMN ${col} SET DEFAULT ${now};`);
        if (nullable) {
          sql.push(backfillSql(t, c.name, backfillValue));
          const notNull = setNotNullSql(catalog, t, c.name);
          sql.push(notNull.sql);
          notes.push(
            `Pre-check: SELECT count(*) FROM ${rel} WHERE ${col} IS NULL; those rows get ${sibling ? `their ${sibling.name} or ` : ''}the time of the backfill, not their real ${role === 'created' ? 'creation' : 'update'} time.`,
            BACKFILL_NOTE,
            notNull.notes,
          );
          if (t.triggers.some((tr) => tr.events.includes('update') && tr.timing === 'before')) {
            notes.push('BEFORE UPDATE triggers on the table run for the backfill rows too (an updated_at trigger will stamp them).');
          }
        }
        if (noDefault) notes.unshift('SET DEFAULT only changes the catalog: instant, no scan.');

        const name = `${label(t)}.${c.name}`;
        const problem = nullable ? (noDefault ? 'it is nullable and has no default' : 'it is nullable') : 'it has no default';
        const message =
          `\`${name}\` (${c.type}) records when a row was ${role}, but ${problem}: ` +
          (nullable
            ? `an INSERT that leaves it out stores NULL, and such rows drop out of every "${role} since" query, export and retention job. `
            : `every INSERT must supply it, and a writer that forgets fails instead of getting the current time. `) +
          `Give it DEFAULT ${now}${nullable ? ', backfill the NULLs and add NOT NULL' : ''}.` +
          (nullable && role === 'updated' ? ' If NULL deliberately means "never updated", say so in a column comment and this rule stays quiet.' : '');
        out.push({
          objects: [columnRef(t, c.name)],
          message,
          details: { column: c.name, role, nullable, noDefault },
          fix: { sql: sql.join('\n'), notes: notes.join(' ') },
        });
      }
    }
    return out;
  },
});
