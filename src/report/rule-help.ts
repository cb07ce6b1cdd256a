/**
 * Help for a rule, read from its docs page (docs/rules/<id>.md), so SARIF viewers show the same
 * words as the docs. The pages ship in the npm package ("files": docs); from src/report (tsx,
 * tests) and from dist/report (the build) the package root is two levels up.
 */
import { readFileSync } from 'node:fs';

export interface RuleHelp {
  /** Why it matters and how to fix it, as plain text. */
  text: string;
  /** The page from "## Why" on: why, bad and good examples, fix, options. */
  markdown: string;
  /** False when the page could not be read and the help fell back to the rule's rationale. */
  fromDocs: boolean;
}

const DOCS_DIR = new URL('../../docs/rules/', import.meta.url);
/** Rule ids are kebab-case; anything else would be a path, not a page. */
const RULE_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** The sections a help viewer shows, in page order; the title and metadata lines above them are the viewer's own. */
const HELP_SECTIONS = ['Why', 'Bad', 'Good', 'Fix', 'Options'];

const pages = new Map<string, string | null>();

function readPage(id: string): string | null {
  if (!RULE_ID.test(id)) return null;
  if (pages.has(id)) return pages.get(id) ?? null;
  let page: string | null;
  try {
    page = readFileSync(new URL(`${id}.md`, DOCS_DIR), 'utf8').replace(/\r\n/g, '\n');
  } catch {
    // An install without docs/ (or a rule without a page yet) still gets help: the rationale.
    page = null;
  }
  pages.set(id, page);
  return page;
}

/** `## Heading` → body, for the sections of a docs page. */
export function docSections(page: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const chunk of page.split(/^## /m).slice(1)) {
    const newline = chunk.indexOf('\n');
    const heading = (newline < 0 ? chunk : chunk.slice(0, newline)).trim();
    const body = newline < 0 ? '' : chunk.slice(newline + 1).trim();
    if (!sections.has(heading)) sections.set(heading, body);
  }
  return sections;
}

/** Prose paragraphs rejoined (the pages are hard-wrapped) without code-span backticks. */
function plainProse(markdown: string): string {
  return markdown
    .split(/\n{2,}/)
    .map((p) => p.trim().replace(/\s*\n\s*/g, ' ').replace(/`([^`\n]+)`/g, '$1'))
    .filter((p) => p !== '')
    .join('\n\n');
}

/** Markdown as plain text: fenced code keeps its lines, prose is unwrapped. */
export function plainText(markdown: string): string {
  const parts: string[] = [];
  const fence = /^(`{3,})[^\n]*\n([\s\S]*?)^\1[ \t]*$/gm;
  let last = 0;
  for (const m of markdown.matchAll(fence)) {
    parts.push(plainProse(markdown.slice(last, m.index)));
    parts.push((m[2] as string).replace(/\n$/, ''));
    last = m.index + m[0].length;
  }
  parts.push(plainProse(markdown.slice(last)));
  return parts.filter((p) => p !== '').join('\n\n');
}

/** The help for rule `id`; `fallback` (its rationale) when the docs page is missing or has no Why section. */
export function ruleHelp(id: string, fallback: string): RuleHelp {
  const page = readPage(id);
  const sections = page ? docSections(page) : new Map<string, string>();
  const why = sections.get('Why');
  if (!why) return { text: fallback, markdown: fallback, fromDocs: false };
  const fix = sections.get('Fix');
  const text = [plainText(why), ...(fix ? [`How to fix:\n${plainText(fix)}`] : [])].join('\n\n');
  const markdown = HELP_SECTIONS.filter((h) => sections.get(h)).map((h) => `## ${h}\n${sections.get(h) as string}`).join('\n\n');
  return { text, markdown, fromDocs: true };
}
