import { columnRef, quoteIdent } from '../../catalog/helpers.js';
import { NETWORK_ADDRESS_WORDS, hasPhrase, lexiconSample, nameWords } from '../lexicon.js';
import { defineRule, type FindingDraft } from '../types.js';
import { alterColumnType, castPrecheck, isTextual, reviewedTables, rewriteNotes } from './shared.js';

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
      for (const c of t.columns) {
        if (!isTextual(c) || c.generated !== null) continue;
        const target = networkTarget(c.name);
        if (target === null) continue;
        const col = quoteIdent(c.name);
        out.push({
          objects: [columnRef(t, c.name)],
          message:
            `\`${t.name}.${c.name}\` is \`${c.type}\` but its name says it holds ${target === 'cidr' ? 'a network' : 'an IP address'} ` +
            `(network names: ${lexiconSample(NETWORK_ADDRESS_WORDS)}): text accepts invalid addresses, compares IPv6 spellings as ` +
            `different values and cannot answer subnet queries. Store it as \`${target}\`.`,
          details: { column: c.name, type: c.type, suggestedType: target },
          fix: {
            sql: alterColumnType(t, c.name, target, `nullif(btrim(${col}::text), '')::${target}`),
            notes:
              `${rewriteNotes(catalog, t)} Values with a port (1.2.3.4:80) or an X-Forwarded-For list will not cast; ` +
              `pre-check: ${castPrecheck(catalog.engine.serverVersionNum, t, c.name, target)}`,
          },
        });
      }
    }
    return out;
  },
});
