import type { Index } from '../../catalog/model.js';
import { indexRef } from '../../catalog/helpers.js';
import { defineRule, type FindingDraft } from '../types.js';
import { tableLabel } from '../keys/shared.js';
import { dropIndexDdl, indexSignature, indexedRelations, keysLabel, relationRef } from './shared.js';

/** Which index of a group to keep: the one that enforces the most. */
function rank(i: Index): number {
  if (i.primary) return 0;
  if (i.constraint !== null) return 1;
  if (i.unique) return 2;
  return 3;
}

function role(i: Index): string {
  if (i.primary) return 'backs the primary key';
  if (i.constraint !== null) return `backs constraint ${i.constraint}`;
  if (i.unique) return 'is a unique index';
  return 'is a plain index';
}

/** Earlier statement first (files in natural order, then line); objects without provenance last, by name. */
function createdOrder(a: Index, b: Index): number {
  const la = a.provenance.created;
  const lb = b.provenance.created;
  if (la && lb) {
    return la.file.localeCompare(lb.file, 'en', { numeric: true }) || la.line - lb.line || a.name.localeCompare(b.name);
  }
  if (la || lb) return la ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export default defineRule({
  meta: {
    id: 'duplicate-index',
    category: 'indexes',
    severity: 'medium',
    title: 'Duplicate index',
    rationale:
      'Two indexes with the same method, keys, INCLUDE columns and predicate answer exactly the same queries. The second one only costs: '
      + 'every INSERT and most UPDATEs write both, they compete for cache, and vacuum and backups carry both.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const rel of indexedRelations(catalog)) {
      const groups = new Map<string, Index[]>();
      for (const i of rel.indexes) {
        if (!i.valid) continue;
        const sig = indexSignature(i);
        groups.set(sig, [...(groups.get(sig) ?? []), i]);
      }
      for (const group of groups.values()) {
        if (group.length < 2) continue;
        // Among equals, keep the one written first: the later CREATE INDEX is the duplicate, and the finding points there.
        const sorted = [...group].sort((a, b) => rank(a) - rank(b) || createdOrder(a, b));
        const keep = sorted[0] as Index;
        for (const dup of sorted.slice(1)) {
          // A UNIQUE NULLS NOT DISTINCT index forbids more than its twin does: not a duplicate.
          if (dup.unique && dup.nullsNotDistinct && !keep.nullsNotDistinct) continue;
          const label = `${tableLabel(rel)} (${keysLabel(dup)})${dup.predicate ? ` WHERE ${dup.predicate}` : ''}`;
          const objects = [indexRef(dup), indexRef(keep), relationRef(rel)];
          if (dup.constraint !== null) {
            out.push({
              objects,
              message: `Indexes ${dup.name} and ${keep.name} are identical on ${label}, and both back constraints (${dup.constraint}, ${keep.constraint ?? 'primary key'}). `
                + `Drop the redundant constraint ${dup.constraint} once nothing depends on it (foreign keys may reference it); its index goes with it.`,
              details: { duplicate: dup.name, kept: keep.name, bothBackConstraints: true },
              fix: null,
            });
            continue;
          }
          const drop = dropIndexDdl(dup);
          out.push({
            objects,
            message: `Index ${dup.name} duplicates ${keep.name} on ${label}: same method (${dup.method}), keys, INCLUDE and predicate. ${keep.name} ${role(keep)}, so drop ${dup.name}.`,
            details: { duplicate: dup.name, kept: keep.name, bothBackConstraints: false, definition: dup.definition },
            fix: { sql: drop.sql, notes: drop.notes },
          });
        }
      }
    }
    return out;
  },
});
