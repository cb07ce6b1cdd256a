import { qualify, quoteIdent, tableRef } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { ownerColumn, securedTables } from './shared.js';

export default defineRule({
  meta: {
    id: 'rls-enabled-no-policy',
    category: 'security',
    severity: 'medium',
    title: 'Row level security enabled without any policy',
    rationale:
      'With RLS enabled and no policy, PostgreSQL denies by default: every SELECT by a role other than the owner (or a ' +
      'BYPASSRLS role) returns nothing and every write fails. That is either an intended lockdown (service-only table) or a ' +
      'policy that was never written, which shows up as "the app sees no data" rather than as an error.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const t of securedTables(catalog)) {
      if (!t.rlsEnabled || t.policies.length > 0) continue;
      const rel = qualify(t.schema, t.name);
      const owner = ownerColumn(catalog, t);
      const who = catalog.supabase ? 'anon and authenticated (the Data API roles)' : 'every role other than the owner';
      let sql: string | null = null;
      if (owner) {
        const col = quoteIdent(owner.name);
        const name = quoteIdent(`${t.name}_owner`);
        sql = catalog.supabase
          ? `CREATE POLICY ${name} ON ${rel} FOR ALL TO authenticated\n  USING (${col} = (SELECT auth.uid())) WITH CHECK (${col} = (SELECT auth.uid()));`
          : `CREATE POLICY ${name} ON ${rel}\n  USING (${col} = current_setting('app.user_id', true)::${owner.type});`;
      }
      out.push({
        objects: [tableRef(t)],
        message:
          `\`${rel}\` has row level security enabled but no policy: ${who} see no rows and cannot write` +
          `${t.rlsForced ? ' (FORCE ROW LEVEL SECURITY: not even the owner)' : '; only the owner and BYPASSRLS roles get through'}. ` +
          `If the table is service-only, say so in its comment (\`@schemasage-ignore rls-enabled-no-policy: service only\`); ` +
          `otherwise add a policy per role and action` + (owner ? `, e.g. on \`${owner.name}\`.` : '.'),
        details: { ownerColumn: owner?.name ?? null, forced: t.rlsForced },
        fix: sql === null ? null : {
          sql,
          notes:
            `A starter policy on the owner column \`${owner?.name ?? ''}\`: review it against how the table is used. CREATE POLICY takes ` +
            `an ACCESS EXCLUSIVE lock briefly.`,
        },
      });
    }
    return out;
  },
});
