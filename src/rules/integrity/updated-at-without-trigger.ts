import { columnRef } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { auditRole, judgedTables, label, maintainingTriggers, nowFor, ownColumns, updatedAtTriggerSql } from './shared-a.js';

const ORM_HOW = {
  prisma: 'Prisma\'s @updatedAt sets it in the client on every update through Prisma',
  drizzle: 'Drizzle\'s .$onUpdate() sets it in the client on every update through Drizzle',
} as const;

export default defineRule({
  meta: {
    id: 'updated-at-without-trigger',
    category: 'integrity',
    severity: 'low',
    title: 'Update timestamp that nothing in the database keeps current',
    rationale:
      'An updated_at column is only as good as every writer that remembers to set it. Backfills, admin SQL, other services and bulk ' +
      'UPDATEs forget, and then "what changed since the last sync?" silently misses rows. A BEFORE UPDATE trigger sets it on every ' +
      'update, whoever writes.',
    enabledByDefault: true,
  },
  check({ catalog, review }) {
    const out: FindingDraft[] = [];
    for (const t of judgedTables(catalog)) {
      for (const c of ownColumns(catalog, t)) {
        if (auditRole(c) !== 'updated' || c.generated !== null) continue;
        const { maintaining, other } = maintainingTriggers(catalog, t, c.name);
        if (maintaining.length > 0) continue;
        const name = `${label(t)}.${c.name}`;
        // NOT NULL without a default: every INSERT must supply it, the mark of a client-side @updatedAt.
        const appMaintained = c.notNull && c.default === null;
        const orm = review.orm;
        const severity = orm !== null || appMaintained ? 'info' : 'low';
        const fix = updatedAtTriggerSql(catalog, t, c.name, nowFor(c) === 'CURRENT_DATE' ? 'CURRENT_DATE' : 'now()');
        const otherNote = other.length > 0
          ? ` ${other.map((tr) => tr.name).join(', ')} mention${other.length === 1 ? 's' : ''} it but ${other.length === 1 ? 'does' : 'do'} not run BEFORE UPDATE FOR EACH ROW (or ${other.length === 1 ? 'is' : 'are'} disabled), and only such a trigger can set NEW.${c.name}.`
          : '';
        const message =
          `\`${name}\` looks like a last-update time, but no BEFORE UPDATE trigger on \`${label(t)}\` sets it.${otherNote} ` +
          (orm !== null
            ? `${ORM_HOW[orm]}; writes that bypass it (SQL, migrations, other services, the database console) leave it stale. Add the trigger only if such writers exist.`
            : appMaintained
              ? `It is NOT NULL without a default, so the application supplies it on insert and probably on update too; writes that bypass the application leave it stale.`
              : `Every writer must remember to set it, and backfills, admin SQL and bulk UPDATEs forget, so it silently stops meaning "last changed". ` +
                `Add a trigger that sets it.`);
        out.push({
          objects: [columnRef(t, c.name)],
          severity,
          message,
          details: { column: c.name, orm, appMaintained, function: fix.functionName, reusesFunction: fix.reused, otherTriggers: other.map((tr) => tr.name) },
          fix: {
            sql: fix.sql,
            notes:
              (fix.reused
                ? `Reuses ${fix.functionName}(), which already sets NEW.${c.name} for other tables. `
                : `The function pins search_path so it cannot be redirected by objects in other schemas. `) +
              `CREATE TRIGGER takes a SHARE ROW EXCLUSIVE lock on the table for a moment (writes wait, reads continue); set a lock_timeout. ` +
              `The trigger overwrites any value a writer sets explicitly.` +
              (orm ? ` With ${orm === 'prisma' ? 'Prisma' : 'Drizzle'} also setting it, both agree to within milliseconds.` : ''),
          },
        });
      }
    }
    return out;
  },
});
