/**
 * Pairs what drizzle-kit generated (tables, columns, constraint and index names, from the worker)
 * with where the user wrote it (call sites found by the text scan), producing the ModelLocations
 * findings point at and the anchors that lay each statement on the user's lines.
 */
import type { Location, ModelLocations, ModelTableLocation } from '../../catalog/model.js';
import type { AnchoredStatement } from './place.js';
import type { ExtraKind, WorkerTable } from './protocol.js';
import { ScannedFile, schemaVariables, type CallSite, type IgnoreMarker } from './scan.js';

const TABLE_FNS = new Set(['pgTable', 'table']);

const EXTRA_KIND: Readonly<Record<string, ExtraKind>> = {
  index: 'index', uniqueIndex: 'index', unique: 'unique', primaryKey: 'primary-key', foreignKey: 'foreign-key', check: 'check', pgPolicy: 'policy',
};

interface Site {
  file: ScannedFile;
  offset: number;
}

interface TableSite {
  file: ScannedFile;
  call: CallSite;
  /** Column key offsets by Postgres column name. */
  columns: Map<string, number>;
  /** Extra-config entries by Postgres name (indexes, constraints, policies). */
  extras: Map<string, { kind: ExtraKind; offset: number }>;
  rls: number | null;
  ignores: IgnoreMarker[];
}

export interface Located {
  locations: ModelLocations;
  /** By `schema.table`. */
  tables: Map<string, TableSite>;
  /** Declarations by kind and name: `enum:status`, `schema:billing`, `view:active_users`, `policy:…`, `role:…`, `sequence:…`. */
  objects: Map<string, Site[]>;
  /** Tables drizzle-kit generated but the scan could not find in the files. */
  unlocated: string[];
}

const OBJECT_KIND: Readonly<Record<string, string>> = {
  pgEnum: 'enum', enum: 'enum', pgSchema: 'schema', pgView: 'view', view: 'view', pgMaterializedView: 'view', materializedView: 'view',
  pgSequence: 'sequence', sequence: 'sequence', pgRole: 'role', pgPolicy: 'policy',
};

export function locate(files: ScannedFile[], tables: readonly WorkerTable[], display: (abs: string) => string): Located {
  const schemaOf = new Map<string, string>();
  for (const f of files) for (const [k, v] of schemaVariables(f)) schemaOf.set(k, v);

  const candidates: Array<{ file: ScannedFile; call: CallSite }> = [];
  const objects = new Map<string, Site[]>();
  const creators = new Set<string>();
  for (const f of files) {
    for (const c of f.calls) {
      if (c.fn === 'pgTableCreator' && c.variable) creators.add(c.variable);
    }
  }
  for (const f of files) {
    for (const c of f.calls) {
      if (TABLE_FNS.has(c.fn) || creators.has(c.fn)) candidates.push({ file: f, call: c });
      const kind = OBJECT_KIND[c.fn];
      if (kind && c.literal !== null) {
        const key = `${kind}:${c.literal}`;
        const list = objects.get(key) ?? [];
        list.push({ file: f, offset: c.start });
        objects.set(key, list);
      }
    }
  }

  const loc = (file: ScannedFile, offset: number): Location => ({ file: display(file.path), ...file.pos(offset) });
  const claimed = new Set<CallSite>();
  const located: Located = { locations: { tables: {} }, tables: new Map(), objects, unlocated: [] };

  for (const t of tables) {
    const key = `${t.schema}.${t.name}`;
    let best: { file: ScannedFile; call: CallSite } | null = null;
    let bestScore = 0;
    for (const cand of candidates) {
      if (claimed.has(cand.call)) continue;
      const c = cand.call;
      const byVariable = c.variable !== null && t.exportNames.includes(c.variable);
      const byLiteral = c.literal === t.name;
      // A pgTableCreator prefixes the name: `createTable('users')` makes `app_users`.
      const byCreatedName = creators.has(c.fn) && c.literal !== null && t.name.endsWith(c.literal);
      if (!byVariable && !byLiteral && !byCreatedName) continue;
      const schema = c.fn === 'table' ? (c.owner !== null ? schemaOf.get(c.owner) ?? null : null) : 'public';
      const score = (byLiteral ? 4 : byCreatedName ? 2 : 0) + (byVariable ? 3 : 0) + (schema === t.schema ? 2 : schema === null ? 1 : 0);
      if (score > bestScore) {
        best = cand;
        bestScore = score;
      }
    }
    if (!best) {
      located.unlocated.push(key);
      continue;
    }
    claimed.add(best.call);
    const site = tableSite(best.file, best.call, t, files);
    located.tables.set(key, site);

    const tableLoc = loc(best.file, best.call.start);
    const entry: ModelTableLocation = { location: tableLoc, name: best.call.variable ?? t.exportNames[0] ?? t.name, columns: {} };
    const keyOf = new Map(t.columns.map((c) => [c.name, c.key]));
    for (const [name, offset] of site.columns) entry.columns[name] = { location: loc(best.file, offset), name: keyOf.get(name) ?? name };
    for (const c of t.columns) if (!entry.columns[c.name]) entry.columns[c.name] = { location: tableLoc, name: c.key };
    for (const [name, e] of site.extras) {
      if (e.kind === 'policy') continue;
      const target = e.kind === 'index' ? (entry.indexes ??= {}) : (entry.constraints ??= {});
      target[name] = loc(best.file, e.offset);
    }
    located.locations.tables[key] = entry;
  }
  return located;
}

/** Column keys, extra-config entries, `.enableRLS()` and ignore comments of one table call. */
function tableSite(file: ScannedFile, call: CallSite, t: WorkerTable, files: ScannedFile[]): TableSite {
  const site: TableSite = { file, call, columns: new Map(), extras: new Map(), rls: file.chainedAfter(call.close, 'enableRLS'), ignores: file.ignoresBefore(call.declStart) };
  const nameOf = new Map(t.columns.map((c) => [c.key, c.name]));
  const columnsArg = call.args[1];
  const obj = columnsArg ? file.objectIn(columnsArg) : null;
  if (obj) {
    for (const e of file.entries(obj)) {
      if (!e.spread) {
        const name = nameOf.get(e.key);
        if (name !== undefined && !site.columns.has(name)) site.columns.set(name, e.offset);
        continue;
      }
      // `...timestamps`: the spread line stands for the columns the spread object defines.
      for (const key of spreadKeys(e.key, files)) {
        const name = nameOf.get(key);
        if (name !== undefined && !site.columns.has(name)) site.columns.set(name, e.offset);
      }
    }
  }

  const extraArg = call.args[2];
  if (extraArg) {
    const found = file.callsWithin(extraArg).filter((c) => EXTRA_KIND[c.fn] !== undefined);
    for (const kind of new Set(t.extras.map((x) => x.kind))) {
      const wanted = t.extras.filter((x) => x.kind === kind);
      const sites = found.filter((c) => EXTRA_KIND[c.fn] === kind);
      wanted.forEach((w, i) => {
        if (w.name === null) return;
        // Same count: pair in order. Otherwise only names written out literally can be paired.
        const s = sites.length === wanted.length ? sites[i] : sites.find((c) => c.literal === w.name);
        if (s && (sites.length === wanted.length || s.literal === w.name)) site.extras.set(w.name, { kind, offset: s.start });
      });
    }
  }
  return site;
}

/** Keys of an object literal bound to `name` (`const timestamps = { … }`) in any scanned file. */
function spreadKeys(name: string, files: ScannedFile[]): string[] {
  const simple = name.split('.').at(-1) as string;
  for (const f of files) {
    const re = new RegExp(`(?:const|let|var)\\s+${simple.replace(/\$/g, '\\$')}\\s*(?::[^=;]*)?=\\s*(?=[{(])`, 'g');
    for (const m of f.code.matchAll(re)) {
      const obj = f.objectIn({ start: m.index + m[0].length, end: f.code.length });
      if (obj) return f.entries(obj).filter((e) => !e.spread).map((e) => e.key);
    }
  }
  return [];
}

// ---- statements --------------------------------------------------------------------------------

const Q = '"((?:[^"]|"")+)"';
const REL = `(?:${Q}\\.)?${Q}`;
const unq = (s: string | undefined) => (s ?? '').replace(/""/g, '"');

/** Where each generated statement belongs in the user's files. */
export function anchorStatements(statements: readonly string[], located: Located, display: (abs: string) => string): AnchoredStatement[] {
  const at = (file: ScannedFile, offset: number) => ({ path: display(file.path), ...file.pos(offset) });
  const object = (kind: string, name: string) => {
    const s = located.objects.get(`${kind}:${name}`)?.[0];
    return s ? at(s.file, s.offset) : null;
  };
  const table = (schema: string | undefined, name: string) => located.tables.get(`${schema ? unq(schema) : 'public'}.${unq(name)}`);

  return statements.map((sql): AnchoredStatement => {
    const s = sql.trim();
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^CREATE TABLE (?:IF NOT EXISTS )?${REL}`).exec(s))) {
      const site = table(m[1], m[2] as string);
      if (!site) return { sql, at: null };
      const lines = s.split('\n').slice(1).map((l): number | null => {
        const col = new RegExp(`^\\s*${Q} `).exec(l);
        if (col) {
          const off = site.columns.get(unq(col[1]));
          return off !== undefined ? site.file.pos(off).line : null;
        }
        const con = new RegExp(`^\\s*CONSTRAINT ${Q}`).exec(l);
        if (con) {
          const e = site.extras.get(unq(con[1]));
          return e ? site.file.pos(e.offset).line : null;
        }
        if (/^\s*\);?\s*$/.test(l)) return site.file.pos(site.call.close).line;
        return null;
      });
      const comments = site.ignores.map((ig) => `-- schemasage-ignore ${ig.rules.join(', ')}${ig.reason ? `: ${ig.reason}` : ''}`);
      return { sql, at: at(site.file, site.call.start), lines, comments };
    }
    if ((m = new RegExp(`^ALTER TABLE (?:ONLY )?${REL} ENABLE ROW LEVEL SECURITY`).exec(s))) {
      const site = table(m[1], m[2] as string);
      return { sql, at: site ? at(site.file, site.rls ?? site.call.start) : null };
    }
    if ((m = new RegExp(`^ALTER TABLE (?:ONLY )?${REL} ADD CONSTRAINT ${Q} (?:FOREIGN KEY|UNIQUE|CHECK|PRIMARY KEY)\\s*\\(?(?:${Q})?`).exec(s))) {
      const site = table(m[1], m[2] as string);
      if (!site) return { sql, at: null };
      const e = site.extras.get(unq(m[3]));
      const col = m[4] !== undefined ? site.columns.get(unq(m[4])) : undefined;
      return { sql, at: at(site.file, e?.offset ?? col ?? site.call.start) };
    }
    if ((m = new RegExp(`^CREATE (?:UNIQUE )?INDEX (?:CONCURRENTLY )?(?:IF NOT EXISTS )?${Q} ON (?:ONLY )?${REL}`).exec(s))) {
      const site = table(m[2], m[3] as string);
      const e = site?.extras.get(unq(m[1]));
      return { sql, at: site ? at(site.file, e?.offset ?? site.call.start) : null };
    }
    if ((m = new RegExp(`^CREATE POLICY ${Q} ON ${REL}`).exec(s))) {
      const site = table(m[2], m[3] as string);
      const e = site?.extras.get(unq(m[1]));
      return { sql, at: e && site ? at(site.file, e.offset) : object('policy', unq(m[1])) ?? (site ? at(site.file, site.call.start) : null) };
    }
    if ((m = new RegExp(`^CREATE TYPE ${REL} AS ENUM`).exec(s))) return { sql, at: object('enum', unq(m[2])) };
    if ((m = new RegExp(`^CREATE SCHEMA (?:IF NOT EXISTS )?${Q}`).exec(s))) return { sql, at: object('schema', unq(m[1])) };
    if ((m = new RegExp(`^CREATE (?:MATERIALIZED )?VIEW ${REL}`).exec(s))) return { sql, at: object('view', unq(m[2])) };
    if ((m = new RegExp(`^CREATE SEQUENCE (?:IF NOT EXISTS )?${REL}`).exec(s))) return { sql, at: object('sequence', unq(m[2])) };
    if ((m = new RegExp(`^CREATE ROLE ${Q}`).exec(s))) return { sql, at: object('role', unq(m[1])) };
    return { sql, at: null };
  });
}
