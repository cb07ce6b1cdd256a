// PLACEHOLDER: replaced by the real rule (meta is the contract: id, category, default severity, enabled).
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'updated-at-without-trigger',
    category: 'integrity',
    severity: 'low',
    title: 'TODO',
    rationale: 'TODO',
    enabledByDefault: true,
  },
  check() {
    return [];
  },
});
