import type { FunctionInfo } from '../../catalog/model.js';
import { qualify, quoteIdent } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';

const NOT_RELATIONS = new Set([
  'select', 'lateral', 'only', 'unnest', 'generate_series', 'values', 'new', 'old', 'jsonb_array_elements', 'json_array_elements',
  'jsonb_each', 'json_each', 'jsonb_to_recordset', 'json_to_recordset', 'regexp_matches', 'string_to_table',
]);

/** Relation names a function body uses without a schema (`FROM orders`, `INSERT INTO audit_log`, `UPDATE accounts`). */
export function unqualifiedRelations(source: string): string[] {
  const found = new Set<string>();
  // After FROM/JOIN a `(` means a function call; after INSERT INTO it opens the column list.
  const patterns = [
    /\b(?:from|join|update)\s+("[^"]+"|[A-Za-z_][A-Za-z0-9_$]*)(?![A-Za-z0-9_$])(?!\s*[.(])/gi,
    /\binsert\s+into\s+("[^"]+"|[A-Za-z_][A-Za-z0-9_$]*)(?![A-Za-z0-9_$])(?!\s*\.)/gi,
  ];
  for (const re of patterns) {
    for (const m of source.matchAll(re)) {
      const name = (m[1] as string).replace(/"/g, '');
      if (!NOT_RELATIONS.has(name.toLowerCase())) found.add(name);
    }
  }
  return [...found];
}

/** `schema.name(args)` as ALTER FUNCTION wants it. */
export function functionSignature(f: FunctionInfo): string {
  return `${qualify(f.schema, f.name)}(${f.arguments})`;
}

export default defineRule({
  meta: {
    id: 'security-definer-mutable-search-path',
    category: 'security',
    severity: 'high',
    title: 'SECURITY DEFINER function without a fixed search_path',
    rationale:
      'A SECURITY DEFINER function runs with its owner\'s privileges but resolves unqualified names through the caller\'s ' +
      'search_path. A caller who can create objects in any schema on that path (public, before PostgreSQL 15, or pg_temp) ' +
      'can shadow a table, function or operator the body uses and run their code as the owner — often a superuser. ' +
      'Pinning search_path in the function definition closes this.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const f of catalog.functions) {
      if (f.origin !== 'user' || !f.securityDefiner) continue;
      if (f.config.some((c) => /^search_path=/i.test(c))) continue;
      const unqualified = unqualifiedRelations(f.source);
      const keyword = f.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION';
      const sig = functionSignature(f);
      const path = unqualified.length > 0 ? `pg_catalog, ${quoteIdent(f.schema)}, pg_temp` : "''";
      const exposedNote = catalog.supabase && f.schema === 'public'
        ? ' It is in `public` on Supabase, so anon and authenticated can call it through /rpc unless EXECUTE was revoked.'
        : '';
      out.push({
        objects: [{ kind: 'function', schema: f.schema, name: f.name }],
        message:
          `\`${f.schema}.${f.name}(${f.arguments})\` is SECURITY DEFINER and has no \`search_path\` setting: it resolves names ` +
          `through the caller's search_path, so a caller who can create an object earlier on that path (a table, function or ` +
          `operator the body uses) runs code with the owner's rights.${exposedNote} ` +
          (unqualified.length > 0
            ? `Pin it with \`SET search_path = ${path}\` (the body uses unqualified ${unqualified.slice(0, 5).join(', ')}), or qualify every name and use \`''\`.`
            : `Pin it with \`SET search_path = ''\` and keep every name in the body schema-qualified.`),
        details: { function: `${f.schema}.${f.name}`, arguments: f.arguments, unqualifiedRelations: unqualified, suggestedSearchPath: path },
        fix: {
          sql: `ALTER ${keyword} ${sig} SET search_path = ${path};`,
          notes:
            (unqualified.length > 0
              ? `With ${path}, pg_catalog is searched first and pg_temp last, so built-ins and temp objects cannot be shadowed; ` +
                `schema ${f.schema} must not be writable by untrusted roles (REVOKE CREATE ON SCHEMA ${quoteIdent(f.schema)} FROM PUBLIC, the default since PostgreSQL 15). ` +
                `The strictest form is search_path = '' with every name in the body schema-qualified.`
              : `With search_path = '' built-ins still resolve (pg_catalog is always searched), but any unqualified table or ` +
                `function the body uses must be schema-qualified or the function fails at run time — test it after the change.`) +
            ` ALTER ${keyword} takes only a brief lock on the function.`,
        },
      });
    }
    return out;
  },
});
