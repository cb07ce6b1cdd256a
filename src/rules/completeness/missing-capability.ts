import { detectConventions } from '../../catalog/conventions.js';
import { CAPABILITIES, type CapabilityName, type Priority } from '../../capabilities/index.js';
import { listPhrase } from '../../capabilities/match.js';
import type { Severity } from '../../result.js';
import { inferTenant } from '../tenancy/tenant.js';
import { defineRule, type FindingDraft, type ReviewSettings } from '../types.js';

/** A missing capability is advice about what to build, not a defect: one step below its priority. */
const SEVERITY: Record<Priority, Severity> = { high: 'medium', medium: 'low', low: 'info' };

/** `{ capabilities: { "search-history": false } }` turns single capabilities off. */
function disabled(options: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  const caps = options['capabilities'];
  if (caps && typeof caps === 'object' && !Array.isArray(caps)) {
    for (const [name, on] of Object.entries(caps as Record<string, unknown>)) if (on === false) out.add(name);
  }
  return out;
}

function ormNote(review: ReviewSettings): string {
  if (review.orm === 'prisma') return ' With Prisma: apply it as a migration (`prisma migrate dev --create-only`, paste the SQL) and run `prisma db pull` to get the model.';
  if (review.orm === 'drizzle') return ' With Drizzle: add the table to the schema module and let drizzle-kit generate the migration, or apply this SQL and run `drizzle-kit pull`.';
  return '';
}

export default defineRule({
  meta: {
    id: 'missing-capability',
    category: 'completeness',
    severity: 'medium',
    title: 'Missing capability',
    rationale:
      'What a schema holds implies what the application does: its own password sign-in needs reset and refresh-token ' +
      'storage, an admin panel needs settings and an audit log, subscriptions need payment records and idempotent ' +
      'webhooks. When the supporting tables are missing, the feature ships without them or gets bolted on under pressure.',
    enabledByDefault: true,
  },
  check({ catalog, options, review }) {
    const off = disabled(options);
    const conv = detectConventions(catalog);
    const tenant = inferTenant(catalog, review.tenantColumn);
    const out: FindingDraft[] = [];
    for (const cap of CAPABILITIES) {
      if (off.has(cap.name)) continue;
      const trigger = cap.trigger(catalog, conv);
      if (!trigger || cap.recognise(catalog, conv)) continue;
      const proposal = cap.ddl(conv, { catalog, tenant, trigger });
      const checked = cap.checked(catalog, conv);
      const name: CapabilityName = cap.name;
      const evidence = listPhrase(trigger.evidence);
      out.push({
        objects: proposal.objects,
        severity: SEVERITY[trigger.priority],
        title: `Missing: ${cap.title}`,
        message:
          `${evidence.charAt(0).toUpperCase()}${evidence.slice(1)}, but ${cap.missing}: looked for and found no ${checked.join(', no ')}. ` +
          `${cap.reason} ${proposal.summary}`,
        location: trigger.location,
        details: {
          capability: name,
          priority: trigger.priority,
          trigger: trigger.evidence,
          checked,
          table: proposal.table,
          reason: cap.reason,
        },
        fix: { sql: proposal.sql, notes: `${proposal.notes}${ormNote(review)}` },
      });
    }
    return out;
  },
});
