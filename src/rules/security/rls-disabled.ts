import type { Catalog, Table } from '../../catalog/model.js';
import { qualify, quoteIdent, tableRef } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { exposure, ownerColumn, securedTables } from './shared.js';

/** A commented starter policy: enabling RLS without one hides every row from the API roles. */
export function starterPolicyComment(catalog: Catalog, t: Table): string {
  const rel = qualify(t.schema, t.name);
  const owner = ownerColumn(catalog, t);
  const name = quoteIdent(`${t.name}_owner`);
  if (owner && catalog.supabase) {
    const col = quoteIdent(owner.name);
    return `-- Starter policy (review before use): each signed-in user reads and writes only their own rows.\n` +
      `-- CREATE POLICY ${name} ON ${rel} FOR ALL TO authenticated\n` +
      `--   USING (${col} = (SELECT auth.uid())) WITH CHECK (${col} = (SELECT auth.uid()));`;
  }
  if (owner) {
    const col = quoteIdent(owner.name);
    return `-- Starter policy (review before use): each application user sees only their own rows;\n` +
      `-- the application runs SET app.user_id = '…' per request or transaction.\n` +
      `-- CREATE POLICY ${name} ON ${rel}\n` +
      `--   USING (${col} = current_setting('app.user_id', true)::${owner.type});`;
  }
  return `-- Add a policy per role and action, e.g.:\n` +
    `-- CREATE POLICY ${quoteIdent(`${t.name}_read`)} ON ${rel} FOR SELECT TO ${catalog.supabase ? 'authenticated' : '<role>'} USING (<who may see the row>);`;
}

export default defineRule({
  meta: {
    id: 'rls-disabled',
    category: 'security',
    severity: 'critical',
    title: 'Row level security disabled on an exposed table',
    rationale:
      'On Supabase every table in `public` is served by the Data API to the `anon` and `authenticated` roles, and the anon ' +
      'key ships inside every client: without row level security anyone can read, insert, update and delete every row. ' +
      'Elsewhere, a schema where some tables have RLS and others do not usually means a table was forgotten.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    const tables = securedTables(catalog);
    const enforcing = new Map<string, typeof tables>();
    for (const o of tables) if (o.rlsEnabled) enforcing.set(o.schema, [...(enforcing.get(o.schema) ?? []), o]);
    for (const t of tables) {
      if (t.rlsEnabled) continue;
      const siblings = enforcing.get(t.schema) ?? [];
      const exp = exposure(catalog, t.schema, t.name);
      const rel = qualify(t.schema, t.name);
      let severity: 'critical' | 'high';
      let message: string;
      if (catalog.supabase && exp.exposed) {
        severity = 'critical';
        message =
          `\`${rel}\` has row level security disabled and is reachable through the Data API (${exp.reason}): anyone with the ` +
          `project's anon key — it ships in every client — can read, insert, update and delete every row. ` +
          `Enable RLS and add policies for the access each role needs.`;
      } else if (siblings.length > 0) {
        severity = 'high';
        const sample = siblings.slice(0, 5).map((s) => s.name).join(', ');
        message =
          `\`${rel}\` has row level security disabled while ${siblings.length} other table${siblings.length > 1 ? 's' : ''} in ` +
          `schema \`${t.schema}\` enforce it (${sample}${siblings.length > 5 ? ', …' : ''}): partial coverage usually means this ` +
          `table was forgotten, and every role with privileges on it sees all rows. Enable RLS and add policies` +
          `${exp.exposed ? ` (${exp.reason})` : ''}, or document why it is exempt.`;
      } else {
        continue;
      }
      out.push({
        objects: [tableRef(t)],
        severity,
        message,
        details: { exposed: exp.exposed, grantees: exp.grantees, tablesWithRls: siblings.map((s) => s.name), supabase: catalog.supabase },
        fix: {
          sql: `ALTER TABLE ${rel} ENABLE ROW LEVEL SECURITY;\n${starterPolicyComment(catalog, t)}`,
          notes:
            `ENABLE ROW LEVEL SECURITY takes an ACCESS EXCLUSIVE lock briefly and does not rewrite the table. With RLS on and no ` +
            `policy, every role except the owner${catalog.supabase ? ' and service_role (BYPASSRLS)' : ' and BYPASSRLS roles'} sees no rows: ` +
            `ship the policies in the same migration.`,
        },
      });
    }
    return out;
  },
});
