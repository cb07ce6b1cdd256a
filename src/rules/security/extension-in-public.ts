import { quoteIdent } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';

/** Extensions whose objects cannot be moved with ALTER EXTENSION … SET SCHEMA. */
const NOT_RELOCATABLE = new Set(['postgis', 'postgis_topology', 'postgis_raster', 'postgis_tiger_geocoder', 'timescaledb']);

export default defineRule({
  meta: {
    id: 'extension-in-public',
    category: 'security',
    severity: 'low',
    title: 'Extension installed in schema public',
    rationale:
      'An extension in `public` mixes its functions, types and operators with the application\'s objects: they show up in ' +
      'schema dumps and ORMs\' introspection, are exposed by APIs that serve `public` (Supabase\'s Data API lists its ' +
      'functions), and collide with application names. A dedicated `extensions` schema keeps them apart.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const e of catalog.extensions) {
      if (e.schema !== 'public' || e.name === 'plpgsql') continue;
      const ext = quoteIdent(e.name);
      const relocatable = !NOT_RELOCATABLE.has(e.name);
      out.push({
        objects: [{ kind: 'extension', schema: e.schema, name: e.name }],
        message:
          `Extension \`${e.name}\` (${e.version}) is installed in \`public\`: its functions and types mix with the ` +
          `application's objects${catalog.supabase ? ' and are served by the Data API' : ''}. Move it to a dedicated ` +
          `\`extensions\` schema.`,
        details: { extension: e.name, version: e.version, relocatable },
        fix: {
          sql: relocatable
            ? `CREATE SCHEMA IF NOT EXISTS extensions;\nALTER EXTENSION ${ext} SET SCHEMA extensions;`
            : `CREATE SCHEMA IF NOT EXISTS extensions;\n-- ${e.name} is not relocatable: ALTER EXTENSION … SET SCHEMA fails; ` +
              `recreate it with CREATE EXTENSION ${ext} SCHEMA extensions in a maintenance window (DROP … CASCADE drops dependent columns).`,
          notes:
            `Column defaults, indexes and constraints reference extension functions by OID and keep working. Queries that call ` +
            `them unqualified need \`extensions\` on the search_path: ALTER ROLE … SET search_path = public, extensions ` +
            `(Supabase does this already), and GRANT USAGE ON SCHEMA extensions TO the roles that call them.`,
        },
      });
    }
    return out;
  },
});
