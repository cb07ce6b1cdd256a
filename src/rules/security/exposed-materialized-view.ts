import { qualify, userViews } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { exposure, viewReferences } from './shared.js';

export default defineRule({
  meta: {
    id: 'exposed-materialized-view',
    category: 'security',
    severity: 'medium',
    title: 'Materialized view readable by API clients',
    rationale:
      'Materialized views cannot have row level security: whatever rows they aggregate are readable by every role granted ' +
      'SELECT on them. In a schema served to `anon`/`authenticated` (Supabase\'s `public`) that publishes the whole result ' +
      'to anyone with the anon key, including rows the base tables\' policies would hide.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const v of userViews(catalog)) {
      if (!v.materialized) continue;
      const exp = exposure(catalog, v.schema, v.name);
      if (!exp.exposed) continue;
      const rel = qualify(v.schema, v.name);
      const rlsTables = viewReferences(catalog, v).filter((t) => t.rlsEnabled);
      out.push({
        objects: [{ kind: 'view', schema: v.schema, name: v.name }],
        severity: rlsTables.length > 0 ? 'high' : 'medium',
        message:
          `Materialized view \`${rel}\` is readable by API clients (${exp.reason}) and materialized views have no row level ` +
          `security, so every row it holds is public to them` +
          (rlsTables.length > 0
            ? `; it reads ${rlsTables.map((t) => `\`${qualify(t.schema, t.name)}\``).join(', ')}, whose RLS it bypasses`
            : '') +
          `. Revoke client access and serve it through a function or view that filters, or move it to a private schema.`,
        details: { grantees: exp.grantees, rlsTables: rlsTables.map((t) => `${t.schema}.${t.name}`) },
        fix: {
          sql: `REVOKE ALL ON ${rel} FROM ${exp.grantees.join(', ')};`,
          notes:
            `To keep serving filtered data, move it out of the exposed schema (CREATE SCHEMA private; ALTER MATERIALIZED VIEW ` +
            `${rel} SET SCHEMA private;) and expose a security-invoker view or a function that applies the caller's rules. ` +
            `REVOKE only updates the catalog.`,
        },
      });
    }
    return out;
  },
});
