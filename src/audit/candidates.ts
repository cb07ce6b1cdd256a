/**
 * The review rules already decide which columns look like references, closed sets, secrets or
 * exclusive flags; the audit asks the data about exactly those, so the two never disagree on names.
 */
import { allRules } from '../rules/index.js';
import type { FindingDraft } from '../rules/types.js';
import type { PlanContext } from './types.js';

/** A review rule's findings on the catalog, whatever the config says about showing them. */
export function ruleDrafts(ctx: PlanContext, id: string): FindingDraft[] {
  const rule = allRules.find((r) => r.meta.id === id);
  if (!rule) throw new Error(`internal: unknown review rule ${id}`);
  return rule.check({ catalog: ctx.catalog, options: {}, review: ctx.review });
}
