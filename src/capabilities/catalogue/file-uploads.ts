import type { Catalog, Column, Table } from '../../catalog/model.js';
import { findTable, quoteIdent } from '../../catalog/helpers.js';
import type { Capability } from '../types.js';
import { columnLabel, label, reviewed, snake, subjectColumn, usersTable, words } from '../match.js';
import { col, createdAtCol, createTable, fkCol, freeTableName, ownerScope, styleOf, targetOf, tenantCol, updatedAtCol } from '../ddl.js';

/** Words that name an uploaded file's content. */
export const MEDIA_WORDS: readonly string[] = [
  'image', 'img', 'avatar', 'video', 'photo', 'picture', 'pic', 'thumbnail', 'thumb', 'attachment', 'document', 'doc', 'file',
  'logo', 'cover', 'banner', 'media', 'pdf', 'audio', 'resume', 'cv', 'receipt', 'icon', 'poster', 'asset', 'upload',
  'signature', 'certificate', 'recording', 'screenshot', 'artwork', 'headshot',
];
/** Last words of a column that points at a stored object. */
const LOCATOR_WORDS = ['url', 'key', 'path', 'uri', 'src', 'location', 'filename', 'link'];
/** Columns ending in these words are almost always an uploaded file's URL (`avatar`, `profile_picture`, `cover_image`). */
const BARE_MEDIA = ['avatar', 'image', 'photo', 'picture', 'thumbnail', 'logo', 'video', 'attachment'];
/** Table words that make the table itself a file registry. */
const FILE_TABLE_WORDS = ['file', 'upload', 'attachment', 'media', 'asset', 'blob'];

const TEXTUAL = new Set(['text', 'varchar', 'bpchar', 'citext']);

const MEDIA = new Set(MEDIA_WORDS);
const LOCATORS = new Set(LOCATOR_WORDS);
const fileColumnsMemo = new WeakMap<Catalog, Array<{ table: Table; column: Column }>>();

function fileColumns(catalog: Catalog): Array<{ table: Table; column: Column }> {
  const memo = fileColumnsMemo.get(catalog);
  if (memo) return memo;
  const out: Array<{ table: Table; column: Column }> = [];
  for (const t of reviewed(catalog)) {
    if (words(t.name).some((w) => FILE_TABLE_WORDS.includes(w))) continue;
    for (const c of t.columns) {
      if (!TEXTUAL.has(c.domainBaseType ?? c.typeName)) continue;
      // Singular words: `images_url` and `image_url` alike.
      const w = words(c.name);
      const last = w[w.length - 1] ?? '';
      if ((LOCATORS.has(last) && w.some((x) => MEDIA.has(x))) || BARE_MEDIA.includes(last)) out.push({ table: t, column: c });
    }
  }
  fileColumnsMemo.set(catalog, out);
  return out;
}

function fileRegistry(catalog: Catalog): string | null {
  if (catalog.supabase || findTable(catalog, 'storage', 'objects')) return 'Supabase Storage (storage.objects)';
  for (const t of reviewed(catalog)) {
    if (words(t.name).some((w) => FILE_TABLE_WORDS.includes(w))) return `\`${label(t)}\``;
    const names = t.columns.map((c) => snake(c.name));
    if (names.some((n) => ['mime_type', 'content_type', 'mimetype', 'media_type'].includes(n)) &&
      names.some((n) => ['size', 'byte_size', 'file_size', 'size_bytes', 'bytes', 'filesize'].includes(n))) {
      return `\`${label(t)}\` (content type and size)`;
    }
  }
  return null;
}

const capability: Capability = {
  name: 'file-uploads',
  title: 'File upload tracking',
  priority: 'low',
  reason:
    'URLs and keys of uploaded files are stored on rows, but nothing records the files themselves: there is no way to ' +
    'find orphaned objects after a row is deleted, to enforce size or type limits, to see storage per user, or to ' +
    'notice uploads that never finished.',
  missing: 'nothing tracks the uploaded files',
  checked() {
    return [
      'file table (files, uploads, attachments, media, assets, active_storage_blobs, …)',
      'table with a content type and a size',
      'Supabase Storage (storage.objects)',
    ];
  },
  trigger(catalog) {
    const cols = fileColumns(catalog);
    const first = cols[0];
    if (!first) return null;
    const shown = cols.slice(0, 4).map((x) => `\`${columnLabel(x.table, x.column)}\``);
    return {
      evidence: [`${shown.join(', ')}${cols.length > 4 ? ` and ${cols.length - 4} more` : ''} ${cols.length === 1 ? 'points' : 'point'} at stored files`],
      priority: 'low',
      ...subjectColumn(first.table, first.column),
    };
  },
  recognise(catalog) {
    const what = fileRegistry(catalog);
    return what ? { what } : null;
  },
  ddl(conv, { catalog, tenant }) {
    const s = styleOf(catalog, conv, tenant);
    const name = freeTableName(s, [['file', 'upload'], ['stored', 'file'], ['upload']]);
    const usersT = usersTable(catalog, conv);
    const users = usersT ? targetOf(usersT) : null;
    // Keep the row when its uploader goes: the stored object still has to be found and deleted.
    const uploader = users ? fkCol(s, users, { onDelete: 'set null', notNull: false }) : null;
    const tenantColumn = tenantCol(tenant, 'cascade', [users]);
    const size = col(s, 'byte', 'size');
    const status = col(s, 'status');
    const storageKey = col(s, 'storage', 'key');
    const sql = createTable(s, {
      name,
      columns: [
        ...(tenantColumn ? [tenantColumn] : []),
        ...(uploader ? [uploader] : []),
        { name: storageKey, type: 'text', notNull: true, unique: true },
        { name: col(s, 'original', 'name'), type: 'text', notNull: true },
        { name: col(s, 'content', 'type'), type: 'text', notNull: true },
        { name: size, type: 'bigint', notNull: true, check: `${quoteIdent(size)} >= 0` },
        { name: col(s, 'checksum', 'sha256'), type: 'text' },
        { name: status, type: 'text', notNull: true, default: `'pending'`, check: `${quoteIdent(status)} IN ('pending', 'ready', 'failed', 'deleted')` },
        createdAtCol(s),
        updatedAtCol(s),
      ],
      ...ownerScope('owner-all', uploader),
    });
    const sample = fileColumns(catalog).slice(0, 3).map((x) => `\`${columnLabel(x.table, x.column)}\``).join(', ');
    return {
      sql,
      table: name,
      objects: [{ kind: 'table', schema: s.schema, name }],
      summary: `Add \`${name}\`: one row per stored object with its key, name, content type, size, checksum and upload status.`,
      notes:
        `Then point the rows that hold URLs today (${sample}) at a file id (ON DELETE SET NULL) instead of a URL, so an ` +
        `object no row references can be found and deleted, and build URLs from ${storageKey} (signed URLs for private ` +
        `files). Mark rows 'ready' when the upload completes; sweep 'pending' rows older than a day.`,
    };
  },
};

export default capability;
