// PLACEHOLDER: replaced by the real rule (meta is the contract: id, category, default severity, enabled).
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'isolated-table',
    category: 'structure',
    severity: 'info',
    title: 'TODO',
    rationale: 'TODO',
    enabledByDefault: false,
  },
  check() {
    return [];
  },
});
