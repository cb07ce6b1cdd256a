/**
 * Globs for `ignore` entries. Names are dot-separated parts (`schema.table.column`, or a rule id
 * with no dots): `*` matches within one part, `**` as a whole part matches any number of parts
 * (zero included). Matching is case-sensitive, as Postgres names are.
 */

const UNSUPPORTED = /[?[\]{}!]/;

/** Why `pattern` is not a usable glob, or null. `maxParts` caps the parts of a glob without `**`. */
export function globProblem(pattern: string, opts: { maxParts: number }): string | null {
  if (pattern.trim() === '') return 'empty glob';
  const bad = UNSUPPORTED.exec(pattern);
  if (bad) return `bad glob ${JSON.stringify(pattern)}: "${bad[0]}" is not supported; use * (within a name) or ** (any number of parts)`;
  if (pattern.includes('***')) return `bad glob ${JSON.stringify(pattern)}: use * (within a name) or ** (any number of parts), not ***`;
  const parts = pattern.split('.');
  if (opts.maxParts === 1 && parts.length > 1) return `bad glob ${JSON.stringify(pattern)}: rule ids have no dots`;
  if (parts.some((p) => p === '')) return `bad glob ${JSON.stringify(pattern)}: empty name part (a leading, trailing or doubled ".")`;
  if (parts.some((p) => p.includes('**') && p !== '**')) {
    return `bad glob ${JSON.stringify(pattern)}: ** stands alone between dots (e.g. "audit.**"); use * within a name`;
  }
  if (parts.some((p, i) => p === '**' && parts[i + 1] === '**')) return `bad glob ${JSON.stringify(pattern)}: ** twice in a row`;
  if (!parts.includes('**') && parts.length > opts.maxParts) {
    return `bad glob ${JSON.stringify(pattern)}: ${parts.length} parts can never match; objects are named schema.table.name, table.name or table`;
  }
  return null;
}

const cache = new Map<string, RegExp>();

/** The anchored regular expression of a glob that passed `globProblem`. */
export function compileGlob(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re) return re;
  const parts = pattern.split('.');
  const last = parts.length - 1;
  let source = '';
  let needDot = false;
  parts.forEach((part, i) => {
    if (part === '**') {
      if (parts.length === 1) source += '.*';
      else if (i === 0) source += '(?:.*\\.)?';
      else if (i === last) source += '(?:\\..*)?';
      else source += '\\.(?:.*\\.)?';
      needDot = false;
      return;
    }
    if (needDot) source += '\\.';
    source += part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\*/g, '[^.]*');
    needDot = true;
  });
  re = new RegExp(`^${source}$`, 's');
  cache.set(pattern, re);
  return re;
}

export function globMatches(pattern: string, name: string): boolean {
  return compileGlob(pattern).test(name);
}
