/**
 * The JSON contract (schemaVersion 1). Keys come out in the order PRODUCT.md documents them,
 * whatever order the pipeline built the objects in, so diffs of saved reports stay readable and
 * consumers that stream the output see `schemaVersion` first.
 */
import type { Finding, ReviewResult } from '../result.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Order = readonly string[];

const RESULT_ORDER: Order = [
  'schemaVersion', 'tool', 'command', 'source', 'engine', 'generatedAt', 'summary', 'findings', 'notes',
  'changes', 'rollback', 'drift', 'health', 'audit', 'auditRun', 'timings',
];
const SUMMARY_ORDER: Order = ['tables', 'views', 'indexes', 'foreignKeys', 'enums', 'functions', 'policies', 'findings', 'verdict', 'suppressed', 'grade'];
const FINDING_ORDER: Order = ['id', 'rule', 'severity', 'category', 'title', 'message', 'rationale', 'objects', 'location', 'details', 'fix', 'fingerprint'];
const OBJECT_ORDER: Order = ['kind', 'schema', 'table', 'name'];
const LOCATION_ORDER: Order = ['file', 'line', 'column'];
const FIX_ORDER: Order = ['sql', 'orm', 'notes'];
const SEVERITY_ORDER: Order = ['critical', 'high', 'medium', 'low', 'info'];
const TIMINGS_ORDER: Order = ['loadMs', 'applyMs', 'introspectMs', 'analyzeMs', 'renderMs'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Known keys in `order` (timings always last), then any others in their original order. */
function ordered(value: unknown, order: Order, children: Record<string, (v: unknown) => unknown> = {}): unknown {
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  const known = order.filter((k) => k in value);
  const extra = Object.keys(value).filter((k) => !order.includes(k));
  const tail = known.filter((k) => k === 'timings');
  for (const k of [...known.filter((k) => k !== 'timings'), ...extra, ...tail]) {
    const child = children[k];
    out[k] = child ? child(value[k]) : value[k];
  }
  return out;
}

const list = (fn: (v: unknown) => unknown) => (v: unknown): unknown => (Array.isArray(v) ? v.map(fn) : v);
const location = (v: unknown): unknown => ordered(v, LOCATION_ORDER);
const objectRef = (v: unknown): unknown => ordered(v, OBJECT_ORDER);
const fix = (v: unknown): unknown => ordered(v, FIX_ORDER);

export function orderFinding(f: Finding | unknown): unknown {
  return ordered(f, FINDING_ORDER, { objects: list(objectRef), location, fix });
}

function orderResult(result: ReviewResult): unknown {
  return ordered(result, RESULT_ORDER, {
    summary: (v) => ordered(v, SUMMARY_ORDER, { findings: (c) => ordered(c, SEVERITY_ORDER) }),
    findings: list(orderFinding),
    audit: list(orderFinding),
    notes: list((n) => ordered(n, ['kind', 'message', 'location'], { location })),
    drift: list((d) => ordered(d, ['kind', 'severity', 'objects', 'expected', 'actual', 'fix'], { objects: list(objectRef), fix })),
    changes: list((c) => ordered(c, ['action', 'object', 'location'], { object: objectRef, location })),
    rollback: (v) => ordered(v, ['sql', 'irreversible', 'verified']),
    timings: (v) => ordered(v, TIMINGS_ORDER),
  });
}

export function renderJson(result: ReviewResult): string {
  return `${JSON.stringify(orderResult(result) as Json, null, 2)}\n`;
}
