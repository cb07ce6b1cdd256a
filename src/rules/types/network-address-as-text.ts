import { columnRef, quoteIdent } from '../../catalog/helpers.js';
import { NETWORK_ADDRESS_WORDS, hasPhrase, lexiconSample, nameWords } from '../lexicon.js';
import { defineRule, type FindingDraft } from '../types.js';
import { castPrecheck, isTextual, reviewedTables, rewriteNotes, typeChangeFixes, type TypeChangeFix } from './shared.js';

const LAST = new Set(['ip', 'ipv4', 'ipv6', 'cidr', 'subnet']);
const PHRASES = [['ip', 'address'], ['ip', 'addr'], ['ipaddress'], ['remote', 'addr'], ['remote', 'address']];

/** The inet/cidr type a name implies, or null. Only the name's ending counts: `ip_country` is a country. */
export function networkTarget(name: string): 'inet' | 'cidr' | null {
  const words = nameWords(name);
  const last = words[words.length - 1];
  if (last === undefined) return null;
  if (LAST.has(last)) return last === 'cidr' || last === 'subnet' ? 'cidr' : 'inet';
  for (const p of PHRASES) {
    if (words.length >= p.length && hasPhrase(words.slice(words.length - p.length), p)) return 'inet';
  }
  return null;
}

export default defineRule({
  meta: {
    id: 'network-address-as-text',
    category: 'types',
    severity: 'low',
    title: 'IP address stored as text',
    rationale:
      '`inet` and `cidr` validate addresses (IPv4 and IPv6), store them in 7–19 bytes instead of up to 40 characters, ' +
      'compare IPv6 in its canonical form (so `::1` and `0:0:0:0:0:0:0:1` are equal) and support containment queries ' +
      '(`ip << \'10.0.0.0/8\'`) with GiST indexes. As text, none of that works.',
    enabledByDefault: true,
  },
  check({ catalog }) {
    const out: FindingDraft[] = [];
    for (const t of reviewedTables(catalog)) {
      const flagged = t.columns.flatMap((c) => {
        const target = isTextual(c) && c.generated === null ? networkTarget(c.name) : null;
        return target === null ? [] : [{ c, target }];
      });
      const fixes = typeChangeFixes(catalog, t, flagged.map(({ c, target }) => ({
        column: c.name, type: target, using: `nullif(btrim(${quoteIdent(c.name)}::text), '')::${target}`,
      })));
      for (const { c, target } of flagged) {
        const fix = fixes.get(c.name) as TypeChangeFix;
        out.push({
          objects: [columnRef(t, c.name)],
          message:
            `\`${t.name}.${c.name}\` is \`${c.type}\` but its name says it holds ${target === 'cidr' ? 'a network' : 'an IP address'} ` +
            `(network names: ${lexiconSample(NETWORK_ADDRESS_WORDS)}): text accepts invalid addresses, compares IPv6 spellings as ` +
            `different values and cannot answer subnet queries. Store it as \`${target}\`.`,
          details: { column: c.name, type: c.type, suggestedType: target },
          fix: {
            sql: fix.sql,
            notes:
              `${rewriteNotes(catalog, t, fix)} Values with a port (1.2.3.4:80) or an X-Forwarded-For list will not cast; ` +
              `pre-check: ${castPrecheck(catalog.engine.serverVersionNum, t, c.name, target)}`,
          },
        });
      }
    }
    return out;
  },
});
