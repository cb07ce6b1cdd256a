/**
 * The introspection queries: one per object kind, each reading every object of that kind in the
 * selected schemas at once, so the number of round trips never grows with the schema.
 *
 * Every query except `schemas`, `extensions`, `roles` and `opclasses` takes one parameter: a JSON array of schema
 * names, passed as text (PGlite would JSON-encode a string bound to a json parameter a second time).
 * introspect() wraps each query in json_agg, so every value arrives as JSON: arrays are built with
 * json_agg/to_json, and anything that can exceed 2^53 (sequence bounds) is cast to text first.
 */

/** The version-dependent parts of the catalogs. */
export interface SqlOptions {
  serverVersionNum: number;
  live: boolean;
}

export type QueryKind =
  | 'schemas' | 'relations' | 'columns' | 'constraints' | 'indexes' | 'triggers' | 'policies' | 'enums' | 'domains'
  | 'functions' | 'extensions' | 'sequences' | 'roles' | 'grants' | 'opclasses';

export const VERSION_SQL = `select version() as version,
  current_setting('server_version') as server_version,
  current_setting('server_version_num')::int as server_version_num,
  current_database()::text as database`;

const IN_SCHEMAS = `n.nspname in (select json_array_elements_text($1::text::json))`;

function extensionMember(catalog: string, oid: string): string {
  return `exists (select 1 from pg_depend dep where dep.classid = '${catalog}'::regclass and dep.objid = ${oid} and dep.deptype = 'e')`;
}

function comment(catalog: string, oid: string, subid = '0'): string {
  return `(select ds.description from pg_description ds where ds.objoid = ${oid} and ds.classoid = '${catalog}'::regclass and ds.objsubid = ${subid})`;
}

/** All kinds' SQL for one server version. */
export function introspectionSql(o: SqlOptions): Record<QueryKind, string> {
  const v = o.serverVersionNum;
  return {
    // System schemas all start with pg_ (pg_catalog, pg_toast, pg_temp_N, pg_toast_temp_N): users cannot create such names.
    schemas: `select n.nspname as name, pg_get_userbyid(n.nspowner)::text as owner,
  ${comment('pg_namespace', 'n.oid')} as comment,
  ${extensionMember('pg_namespace', 'n.oid')} as extension_member
from pg_namespace n
where n.nspname !~ '^pg_' and n.nspname <> 'information_schema'`,

    relations: `select c.oid as oid, n.nspname as schema, c.relname as name, c.relkind::text as kind,
  c.relpersistence::text as persistence, c.relrowsecurity as rls_enabled, c.relforcerowsecurity as rls_forced,
  to_json(c.reloptions) as options, c.relispartition as is_partition,
  case when c.relkind = 'p' then pg_get_partkeydef(c.oid) end as partition_key,
  case when c.relispartition then pg_get_expr(c.relpartbound, c.oid, true) end as partition_bound,
  (select json_agg(json_build_object('schema', pn.nspname, 'table', pc.relname) order by i.inhseqno)
     from pg_inherits i join pg_class pc on pc.oid = i.inhparent join pg_namespace pn on pn.oid = pc.relnamespace
    where i.inhrelid = c.oid) as parents,
  (select json_agg(r.rulename order by r.rulename) from pg_rewrite r
    where r.ev_class = c.oid and r.rulename <> '_RETURN') as rules,
  case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid, true) end as view_definition,
  ${comment('pg_class', 'c.oid')} as comment,
  ${extensionMember('pg_class', 'c.oid')} as extension_member${o.live ? `,
  c.reltuples::float8 as reltuples, c.relpages::float8 as relpages,
  coalesce(s.seq_scan, 0)::float8 as seq_scan, coalesce(s.idx_scan, 0)::float8 as idx_scan,
  coalesce(s.n_live_tup, 0)::float8 as live_tuples, coalesce(s.n_dead_tup, 0)::float8 as dead_tuples,
  to_json(s.last_autovacuum) #>> '{}' as last_autovacuum,
  pg_total_relation_size(c.oid)::float8 as total_bytes, pg_relation_size(c.oid)::float8 as table_bytes` : ''}
from pg_class c
join pg_namespace n on n.oid = c.relnamespace${o.live ? `
left join pg_stat_user_tables s on s.relid = c.oid` : ''}
where c.relkind in ('r', 'p', 'f', 'v', 'm') and ${IN_SCHEMAS}`,

    // The element type (for arrays) and the base type (for domains) are joined once per column;
    // pg_get_expr runs only where a default or generation expression exists.
    columns: `select a.attrelid as relid, a.attname as name, a.attnum::int as position,
  format_type(a.atttypid, a.atttypmod) as type, a.atttypmod::int as typmod, a.attnotnull as not_null,
  (t.typtype = 'b' and t.typelem <> 0 and t.typlen = -1) as is_array,
  et.typname as type_name, etn.nspname as type_schema, et.typcategory::text as type_category,
  bt.typname as domain_base_type, et.typtypmod::int as domain_typmod,
  ${v >= 120000 ? 'a.attgenerated::text' : `''::text`} as generated_kind,
  case when ad.adbin is not null then pg_get_expr(ad.adbin, ad.adrelid, true) end as default_expr,
  a.attidentity::text as identity,
  case when a.attcollation <> 0 and a.attcollation <> t.typcollation then co.collname::text end as collation,
  ds.description as comment
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_type t on t.oid = a.atttypid
join pg_type et on et.oid = case when t.typtype = 'b' and t.typelem <> 0 and t.typlen = -1 then t.typelem else t.oid end
join pg_namespace etn on etn.oid = et.typnamespace
left join pg_type bt on et.typtype = 'd' and bt.oid = et.typbasetype
left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
left join pg_collation co on co.oid = a.attcollation
left join pg_description ds on ds.objoid = a.attrelid and ds.classoid = 'pg_class'::regclass and ds.objsubid = a.attnum
where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'f', 'v', 'm') and ${IN_SCHEMAS}`,

    // contype 'n' (NOT NULL, PG18+) and 't' (constraint trigger) are left out by the IN list. When an FK
    // references a partitioned table, Postgres adds one hidden clone per referenced partition on the
    // same referencing table (conparentid set, same conrelid): those are bookkeeping, not constraints.
    constraints: `select con.conrelid as relid, con.conname as name, con.contype::text as type,
  (select json_agg(a.attname order by k.ord) from unnest(con.conkey) with ordinality k(attnum, ord)
     join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum) as columns,
  pg_get_constraintdef(con.oid, true) as definition,
  con.convalidated as validated, con.condeferrable as deferrable, con.condeferred as deferred,
  case when con.contype in ('p', 'u', 'x') then ic.relname::text end as index,
  fn.nspname as ref_schema, fc.relname as ref_table,
  (select json_agg(a.attname order by k.ord) from unnest(con.confkey) with ordinality k(attnum, ord)
     join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum) as ref_columns,
  con.confupdtype::text as on_update, con.confdeltype::text as on_delete, con.confmatchtype::text as match,
  con.conislocal as local,
  ${comment('pg_constraint', 'con.oid')} as comment
from pg_constraint con
join pg_class c on c.oid = con.conrelid
join pg_namespace n on n.oid = c.relnamespace
left join pg_class ic on ic.oid = con.conindid
left join pg_class fc on fc.oid = con.confrelid
left join pg_namespace fn on fn.oid = fc.relnamespace
where con.contype in ('p', 'f', 'u', 'c', 'x') and c.relkind in ('r', 'p', 'f') and ${IN_SCHEMAS}
  and not (con.conparentid <> 0 and exists (select 1 from pg_constraint pc where pc.oid = con.conparentid and pc.conrelid = con.conrelid))`,

    // Keys come back as attnums (names are resolved from the columns query), indoption bits and
    // opclass oids (resolved from the opclasses query): a per-index subquery would double the cost
    // of this query on thousands of indexes. pg_get_indexdef(oid, n) deparses the whole index on
    // each call, so it runs only for expression keys.
    indexes: `select i.indrelid as relid, ic.relname as name, am.amname::text as method,
  i.indisunique as is_unique, i.indisprimary as is_primary, i.indisvalid as valid, i.indisready as ready,
  ic.relkind = 'I' as partitioned, pg_get_indexdef(i.indexrelid) as definition,
  case when i.indpred is not null then pg_get_expr(i.indpred, i.indrelid, true) end as predicate,
  ${v >= 150000 ? 'i.indnullsnotdistinct' : 'false'} as nulls_not_distinct,
  con.conname as constraint_name, i.indnkeyatts::int as key_count,
  to_json(i.indkey::int2[]) as attnums, to_json(i.indoption::int2[]) as options, to_json(i.indclass::oid[]) as opclasses,
  case when 0 = any(i.indkey::int2[]) then
    (select json_agg(case when k.attnum = 0 then pg_get_indexdef(i.indexrelid, k.ord::int, true) end order by k.ord)
       from unnest(i.indkey::int2[]) with ordinality k(attnum, ord)) end as expressions,
  ${comment('pg_class', 'i.indexrelid')} as comment${o.live ? `,
  coalesce(s.idx_scan, 0)::float8 as scans, pg_relation_size(i.indexrelid)::float8 as size_bytes` : ''}
from pg_index i
join pg_class ic on ic.oid = i.indexrelid
join pg_class c on c.oid = i.indrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_am am on am.oid = ic.relam
left join pg_constraint con on con.conindid = i.indexrelid and con.conrelid = i.indrelid and con.contype in ('p', 'u', 'x')${o.live ? `
left join pg_stat_user_indexes s on s.indexrelid = i.indexrelid` : ''}
where c.relkind in ('r', 'p', 'm') and ${IN_SCHEMAS}`,

    triggers: `select t.tgrelid as relid, t.tgname as name, t.tgtype::int as type, t.tgenabled::text as enabled,
  pn.nspname as function_schema, p.proname as function_name, pg_get_triggerdef(t.oid, true) as definition
from pg_trigger t
join pg_class c on c.oid = t.tgrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_proc p on p.oid = t.tgfoid
join pg_namespace pn on pn.oid = p.pronamespace
where not t.tgisinternal and c.relkind in ('r', 'p', 'f') and ${IN_SCHEMAS}`,

    // Expressions are printed as the pg_policies view prints them, the text users know.
    policies: `select pol.polrelid as relid, pol.polname as name, pol.polcmd::text as cmd, pol.polpermissive as permissive,
  (select json_agg(case when r.roleid = 0 then 'public' else pg_get_userbyid(r.roleid)::text end order by r.ord)
     from unnest(pol.polroles) with ordinality r(roleid, ord)) as roles,
  case when pol.polqual is not null then pg_get_expr(pol.polqual, pol.polrelid) end as using_expr,
  case when pol.polwithcheck is not null then pg_get_expr(pol.polwithcheck, pol.polrelid) end as with_check
from pg_policy pol
join pg_class c on c.oid = pol.polrelid
join pg_namespace n on n.oid = c.relnamespace
where ${IN_SCHEMAS}`,

    enums: `select n.nspname as schema, t.typname as name,
  (select json_agg(e.enumlabel order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid) as labels,
  ${comment('pg_type', 't.oid')} as comment,
  ${extensionMember('pg_type', 't.oid')} as extension_member
from pg_type t
join pg_namespace n on n.oid = t.typnamespace
where t.typtype = 'e' and ${IN_SCHEMAS}`,

    // Domain NOT NULL is also a pg_constraint row from PG17 (contype 'n'); typnotnull already says it.
    domains: `select n.nspname as schema, t.typname as name, format_type(t.typbasetype, t.typtypmod) as base_type,
  t.typnotnull as not_null, t.typdefault as default_expr,
  (select json_agg(json_build_object('name', con.conname, 'definition', pg_get_constraintdef(con.oid, true)) order by con.conname)
     from pg_constraint con where con.contypid = t.oid and con.contype = 'c') as checks,
  ${extensionMember('pg_type', 't.oid')} as extension_member
from pg_type t
join pg_namespace n on n.oid = t.typnamespace
where t.typtype = 'd' and ${IN_SCHEMAS}`,

    // A SQL-standard body (BEGIN ATOMIC, PG14+) leaves prosrc empty; its text is in prosqlbody.
    functions: `select n.nspname as schema, p.proname as name, pg_get_function_identity_arguments(p.oid) as arguments,
  coalesce(pg_get_function_result(p.oid), '') as returns,
  ${v >= 110000 ? 'p.prokind::text' : `case when p.proisagg then 'a' when p.proiswindow then 'w' else 'f' end`} as kind,
  l.lanname as language, p.prosecdef as security_definer, p.provolatile::text as volatility,
  to_json(p.proconfig) as config,
  left(${v >= 140000 ? 'case when p.prosqlbody is not null then pg_get_function_sqlbody(p.oid) else p.prosrc end' : 'p.prosrc'}, 20000) as source,
  ${comment('pg_proc', 'p.oid')} as comment,
  ${extensionMember('pg_proc', 'p.oid')} as extension_member
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
join pg_language l on l.oid = p.prolang
where ${IN_SCHEMAS}`,

    // Only the non-default ones: an index key names its opclass only when it is not the default.
    opclasses: `select o.oid as oid, o.opcname as name from pg_opclass o where not o.opcdefault`,

    // plpgsql is installed in every database and was never the user's choice.
    extensions: `select e.extname as name, n.nspname as schema, e.extversion as version
from pg_extension e
join pg_namespace n on n.oid = e.extnamespace
where e.extname <> 'plpgsql'`,

    sequences: `select n.nspname as schema, c.relname as name, format_type(s.seqtypid, null) as data_type,
  s.seqmax::text as max_value, s.seqincrement::text as increment,
  own.table_name, own.column_name,
  ${extensionMember('pg_class', 'c.oid')} as extension_member,
  ${o.live ? 'ps.last_value::text' : 'null::text'} as last_value
from pg_sequence s
join pg_class c on c.oid = s.seqrelid
join pg_namespace n on n.oid = c.relnamespace
left join lateral (
  select tc.relname as table_name, a.attname as column_name
  from pg_depend dep
  join pg_class tc on tc.oid = dep.refobjid
  join pg_attribute a on a.attrelid = dep.refobjid and a.attnum = dep.refobjsubid
  where dep.classid = 'pg_class'::regclass and dep.objid = c.oid and dep.refclassid = 'pg_class'::regclass
    and dep.refobjsubid > 0 and dep.deptype in ('a', 'i')
  limit 1) own on true${o.live ? `
left join pg_sequences ps on ps.schemaname = n.nspname and ps.sequencename = c.relname` : ''}
where ${IN_SCHEMAS}`,

    roles: `select r.rolname as name, r.rolcanlogin as can_login, r.rolbypassrls as bypass_rls, r.rolsuper as superuser
from pg_roles r
where r.rolname !~ '^pg_'`,

    // The owner's own entry only restates ownership, so it is left out.
    grants: `select n.nspname as schema, c.relname as name,
  case when a.grantee = 0 then 'public' else pg_get_userbyid(a.grantee)::text end as grantee,
  json_agg(a.privilege_type) as privileges
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
cross join lateral aclexplode(c.relacl) a
where c.relacl is not null and c.relkind in ('r', 'p', 'f', 'v', 'm') and a.grantee <> c.relowner and ${IN_SCHEMAS}
group by n.nspname, c.relname, a.grantee`,
  };
}
