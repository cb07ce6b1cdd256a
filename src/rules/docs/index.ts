import type { Rule } from '../types.js';
import missingComment from './missing-comment.js';

export const rules: Rule[] = [
  missingComment,
];
