// PLACEHOLDER: replaced by the real rule (meta is the contract: id, category, default severity, enabled).
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'mixed-table-plurality',
    category: 'naming',
    severity: 'low',
    title: 'TODO',
    rationale: 'TODO',
    enabledByDefault: true,
  },
  check() {
    return [];
  },
});
