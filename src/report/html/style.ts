/** The report's stylesheet, inlined: system fonts only, so the file renders the same offline. */
import { SEVERITY_COLORS } from '../er-svg.js';

const severityRules = Object.entries(SEVERITY_COLORS)
  .map(([sev, color]) => `.sev-${sev}{--sev:${color}}`)
  .join('\n');

export const STYLE = `
:root{--fg:#0f172a;--muted:#475569;--faint:#64748b;--line:#e2e8f0;--bg:#ffffff;--panel:#f8fafc;--accent:#0f766e;--code:#f1f5f9;
  font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg);line-height:1.5}
${severityRules}
*{box-sizing:border-box}
body{margin:0}
code,pre,kbd{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.88em}
code{background:var(--code);padding:.05em .3em;border-radius:3px}
pre{background:var(--code);padding:.75em 1em;border-radius:6px;overflow:auto;margin:.25em 0 .5em;white-space:pre}
pre code{background:none;padding:0}
a{color:var(--accent)}
h1{font-size:1.6rem;margin:0 0 .25rem}
section,.item,.docs-table{scroll-margin-top:4.5rem}
h2{font-size:1.3rem;margin:2rem 0 .75rem;padding-bottom:.25rem;border-bottom:1px solid var(--line)}
h3{font-size:1.05rem;margin:0}
h4{font-size:.95rem;margin:1rem 0 .35rem}
.top{padding:1.25rem 2rem 1rem;border-bottom:1px solid var(--line);background:var(--panel)}
.top .meta{color:var(--muted);margin:0;font-size:.92rem}
.top .meta span+span::before{content:" · "}
nav.toc{padding:.5rem 2rem;border-bottom:1px solid var(--line);font-size:.9rem;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
main{padding:0 2rem 4rem;max-width:1400px}
.cards{display:flex;flex-wrap:wrap;gap:.75rem;margin:.5rem 0}
.card{border:1px solid var(--line);border-radius:8px;padding:.6rem .9rem;min-width:7.5rem;background:var(--bg)}
.card .n{font-size:1.5rem;font-weight:600;display:block}
.card .l{color:var(--muted);font-size:.85rem}
.card.sev{border-left:5px solid var(--sev)}
.grade{font-size:2rem;font-weight:700}
.verdict{display:inline-block;padding:.2em .7em;border-radius:999px;font-weight:600;background:var(--code)}
.verdict-block,.verdict-changes-requested{background:#fee2e2;color:#991b1b}
.verdict-approve{background:#dcfce7;color:#166534}
.verdict-approve-with-comments{background:#fef9c3;color:#854d0e}
.badge{display:inline-block;padding:.05em .55em;border-radius:999px;font-size:.78rem;font-weight:600;color:#fff;background:var(--sev,#64748b);text-transform:uppercase;letter-spacing:.03em}
.filters{position:sticky;top:0;z-index:5;background:var(--bg);border-bottom:1px solid var(--line);padding:.6rem 0;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
.filters fieldset{border:0;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.35rem}
.filters legend{float:left;margin-right:.35rem;color:var(--muted);font-size:.9rem}
.chip{display:inline-flex;align-items:center;gap:.3em;border:1px solid var(--line);border-left:4px solid var(--sev);border-radius:6px;padding:.15em .5em;font-size:.88rem;cursor:pointer;user-select:none}
.chip input{margin:0}
.filters select{font:inherit;font-size:.9rem;padding:.15em .3em;max-width:16rem}
.filters button{font:inherit;font-size:.88rem}
.counter{margin-left:auto;color:var(--muted);font-size:.9rem}
.item{border:1px solid var(--line);border-left:5px solid var(--sev,#94a3b8);border-radius:8px;padding:.75rem 1rem;margin:.75rem 0;background:var(--bg)}
.item.flash{animation:flash 1.6s ease-out}
@keyframes flash{0%{box-shadow:0 0 0 4px #fde047}100%{box-shadow:0 0 0 0 transparent}}
.item>header{display:flex;flex-wrap:wrap;align-items:baseline;gap:.5rem}
.item .fid{font-weight:700;font-family:ui-monospace,Menlo,Consolas,monospace}
.item .rule{color:var(--faint);font-size:.85rem}
.item dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .75rem;margin:.5rem 0;font-size:.9rem}
.item dt{color:var(--muted)}
.item dd{margin:0;overflow-wrap:anywhere}
.item p{margin:.4rem 0}
.item details{margin:.35rem 0}
.item summary{cursor:pointer;color:var(--muted);font-size:.9rem}
.fix-head{display:flex;align-items:center;gap:.5rem;margin-top:.5rem;font-weight:600;font-size:.9rem}
button.copy{font:inherit;font-size:.8rem;padding:.1em .6em;border:1px solid var(--line);border-radius:5px;background:var(--bg);cursor:pointer}
button.copy.done{border-color:var(--accent);color:var(--accent)}
.notes{color:var(--muted);font-size:.9rem}
table.grid{border-collapse:collapse;font-size:.9rem;margin:.35rem 0 .75rem;width:100%}
table.grid th,table.grid td{border-bottom:1px solid var(--line);padding:.25rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
table.grid th{color:var(--muted);font-weight:600}
.empty{color:var(--muted);font-style:italic}
.diagram{position:relative;border:1px solid var(--line);border-radius:8px;background:var(--panel)}
.diagram-toolbar{display:flex;gap:.35rem;align-items:center;padding:.4rem .5rem;border-bottom:1px solid var(--line);font-size:.88rem;color:var(--muted)}
.diagram-toolbar button{font:inherit;min-width:2rem;padding:.1em .5em;border:1px solid var(--line);border-radius:5px;background:var(--bg);cursor:pointer}
.diagram-viewport{height:70vh;min-height:320px;overflow:auto;position:relative}
.js .diagram-viewport{overflow:hidden;cursor:grab;touch-action:none}
.js .diagram-viewport.dragging{cursor:grabbing}
.diagram-stage{transform-origin:0 0;will-change:transform;display:inline-block}
.diagram-stage svg{display:block}
.diagram-stage g.node{cursor:pointer}
.diagram-stage g.node:hover path,.diagram-stage g.node:focus path{stroke-width:3}
.diagram-stage g.node.selected path{stroke:#0f766e;stroke-width:4}
.legend{font-size:.85rem;color:var(--muted);margin:.35rem 0 0}
#panel{position:fixed;top:0;right:0;bottom:0;width:min(480px,92vw);background:var(--bg);border-left:1px solid var(--line);box-shadow:-8px 0 24px rgba(15,23,42,.12);overflow:auto;padding:1rem 1.25rem;z-index:20}
#panel[hidden]{display:none}
#panel .close{position:absolute;top:.6rem;right:.75rem;font:inherit;border:1px solid var(--line);background:var(--bg);border-radius:5px;cursor:pointer}
#panel h2{margin-top:0;border:0;padding-right:3rem;overflow-wrap:anywhere}
#panel table.grid{font-size:.82rem}
#panel table.grid td:first-child,#panel table.grid td:nth-child(3){white-space:nowrap}
#panel ul.findings{list-style:none;padding:0;margin:0}
#panel ul.findings li{margin:.25rem 0}
#panel ul.findings button{font:inherit;text-align:left;border:1px solid var(--line);border-left:4px solid var(--sev);border-radius:6px;background:var(--bg);padding:.3rem .5rem;width:100%;cursor:pointer}
.needs-js{display:none}
.js .needs-js{display:flex}
.docs-table{border-top:1px solid var(--line);padding-top:.5rem;margin-top:1.5rem}
.decision{margin:.75rem 0}
.decision ul{margin:.25rem 0}
.pill{display:inline-block;padding:0 .45em;border-radius:4px;background:var(--code);font-size:.8rem;color:var(--muted)}
@media (prefers-color-scheme:dark){
  :root{--fg:#e2e8f0;--muted:#94a3b8;--faint:#94a3b8;--line:#334155;--bg:#0f172a;--panel:#111c33;--code:#1e293b;--accent:#2dd4bf}
  .diagram-stage svg{background:#f8fafc;border-radius:6px}
}
@media print{.filters,.diagram-toolbar,nav.toc,#panel,button.copy{display:none!important}.diagram-viewport{height:auto;overflow:visible}}
`;
