import { qualify, userViews } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { API_ROLES, exposure, viewReferences } from './shared.js';

export default defineRule({
  meta: {
    id: 'security-definer-view',
    category: 'security',
    severity: 'high',
    title: 'View bypasses row level security of its tables',
    rationale:
      'A view runs its query with the privileges of the view\'s owner, not the caller, unless it is created with ' +
      '`security_invoker = true` (PostgreSQL 15+). The owner usually owns the base tables too, and owners are exempt from ' +
      'RLS, so every role that may select from the view sees every row of tables that RLS was meant to protect.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    const pg15 = catalog.engine.serverVersionNum >= 150000;
    for (const v of userViews(catalog)) {
      if (v.materialized || v.securityInvoker) continue;
      const refs = viewReferences(catalog, v);
      const rlsTables = refs.filter((t) => t.rlsEnabled);
      const exp = exposure(catalog, v.schema, v.name);
      const authUsers = refs.find((t) => t.schema === 'auth' && t.name === 'users');
      const onSupabaseApi = catalog.supabase && exp.exposed;
      if (rlsTables.length === 0 && !onSupabaseApi) continue;
      const rel = qualify(v.schema, v.name);
      const critical = onSupabaseApi && authUsers !== undefined;
      const what = rlsTables.length > 0
        ? `it reads ${rlsTables.map((t) => `\`${qualify(t.schema, t.name)}\``).join(', ')}, which ${rlsTables.length > 1 ? 'have' : 'has'} row level security`
        : `it is reachable through the Data API (${exp.reason})`;
      const message =
        `View \`${rel}\` runs with its owner's privileges (no \`security_invoker\`), so RLS on its tables does not apply to ` +
        `callers: ${what}${critical ? ', and it exposes `auth.users` (emails, phone numbers) to API clients' : ''}` +
        `${rlsTables.length > 0 && exp.exposed ? `; ${exp.reason}` : ''}. ` +
        (pg15
          ? `Set \`security_invoker = true\` so the caller's RLS and privileges apply.`
          : `This server is PostgreSQL ${catalog.engine.serverVersion}: security_invoker needs PostgreSQL 15, so revoke access ` +
            `to the view from client roles or move it out of exposed schemas until you upgrade.`);
      const grantees = exp.grantees.length > 0 ? exp.grantees : catalog.supabase ? [...API_ROLES] : [];
      const fix = pg15
        ? {
          sql: `ALTER VIEW ${rel} SET (security_invoker = true);`,
          notes:
            `Callers then need SELECT on the base tables and pass their RLS policies; check the view still returns what ` +
            `clients expect.${authUsers ? ' auth.users is not readable by API roles, so a view over it must move to a private schema or be replaced by a security-definer function returning only safe columns.' : ''}` +
            ` ALTER VIEW takes an ACCESS EXCLUSIVE lock on the view briefly.`,
        }
        : grantees.length > 0
          ? { sql: `REVOKE ALL ON ${rel} FROM ${grantees.join(', ')};`, notes: 'Until PostgreSQL 15, keep owner-rights views away from client roles.' }
          : null;
      out.push({
        objects: [{ kind: 'view', schema: v.schema, name: v.name }],
        severity: critical ? 'critical' : 'high',
        message,
        details: {
          rlsTables: rlsTables.map((t) => `${t.schema}.${t.name}`),
          exposed: exp.exposed,
          grantees: exp.grantees,
          exposesAuthUsers: authUsers !== undefined,
          securityInvokerSupported: pg15,
        },
        fix,
      });
    }
    return out;
  },
});
