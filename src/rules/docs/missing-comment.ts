// PLACEHOLDER: replaced by the real rule (meta is the contract: id, category, default severity, enabled).
import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'missing-comment',
    category: 'docs',
    severity: 'info',
    title: 'TODO',
    rationale: 'TODO',
    enabledByDefault: false,
  },
  check() {
    return [];
  },
});
