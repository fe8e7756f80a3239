// The dashboard's one stylesheet, served by cloud-lite itself at STYLE_PATH (the CSP allows
// styles from 'self' only: no inline style, no remote font).
import { createHash } from 'node:crypto';

export const STYLE_PATH = '/assets/dashboard.css';

export const STYLESHEET = `
:root { color-scheme: light dark; --fg: #1d1f23; --muted: #5b6170; --bg: #fafbfc; --card: #fff; --line: #d9dde3;
  --r0: #8a94a6; --r1: #3b82c4; --r2: #d69a1c; --r3: #c83c3c; --accent: #2d6cdf; }
@media (prefers-color-scheme: dark) { :root { --fg: #e4e6ea; --muted: #a0a6b2; --bg: #16181c; --card: #1f2227; --line: #343840; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; align-items: center; gap: 1.5rem; padding: .6rem 1.2rem; border-bottom: 1px solid var(--line); background: var(--card); }
header .brand { font-weight: 600; }
header nav { display: flex; gap: 1rem; flex: 1; }
header nav a { color: var(--fg); text-decoration: none; padding: .2rem 0; }
header nav a[aria-current="page"] { border-bottom: 2px solid var(--accent); }
header .who { color: var(--muted); }
main { padding: 1rem 1.2rem 2rem; max-width: 1200px; }
h1 { font-size: 1.3rem; margin: .2rem 0 1rem; }
h2 { font-size: 1.05rem; margin: 1.4rem 0 .5rem; }
a { color: var(--accent); }
button { font: inherit; padding: .35rem .9rem; border: 1px solid var(--line); border-radius: 4px; background: var(--card); color: var(--fg); cursor: pointer; }
button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
.cards { display: flex; flex-wrap: wrap; gap: .8rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .6rem .9rem; min-width: 8rem; }
.card .n { font-size: 1.5rem; font-weight: 600; }
.card .l { color: var(--muted); font-size: .85rem; }
table { border-collapse: collapse; width: 100%; background: var(--card); border: 1px solid var(--line); }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 500; font-size: .85rem; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85rem; word-break: break-all; }
.risk { display: inline-block; min-width: 1.6rem; text-align: center; border-radius: 3px; color: #fff; font-weight: 600; font-size: .8rem; }
.risk.r0 { background: var(--r0); } .risk.r1 { background: var(--r1); } .risk.r2 { background: var(--r2); } .risk.r3 { background: var(--r3); }
.sev-critical { color: var(--r3); font-weight: 600; } .sev-warning { color: var(--r2); font-weight: 600; }
svg.timeline { width: 100%; height: auto; background: var(--card); border: 1px solid var(--line); border-radius: 6px; }
svg.timeline rect.r0 { fill: var(--r0); } svg.timeline rect.r1 { fill: var(--r1); }
svg.timeline rect.r2 { fill: var(--r2); } svg.timeline rect.r3 { fill: var(--r3); }
svg.timeline text { fill: var(--muted); font-size: 10px; }
svg.timeline line { stroke: var(--line); }
.legend { display: flex; gap: 1rem; color: var(--muted); font-size: .85rem; margin: .3rem 0; }
.ranges { display: flex; gap: .6rem; margin: .2rem 0 .6rem; }
.ranges a[aria-current="page"] { font-weight: 600; text-decoration: none; color: var(--fg); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 1rem; }
meter { width: 8rem; }
.pager { margin: .8rem 0; display: flex; gap: 1rem; }
.muted { color: var(--muted); }
.error { color: var(--r3); background: var(--card); border: 1px solid var(--r3); border-radius: 4px; padding: .5rem .8rem; }
form.login { max-width: 26rem; margin: 3rem auto; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1.2rem 1.4rem; }
form.login label { display: block; margin: .8rem 0 .2rem; color: var(--muted); }
form.login input { width: 100%; font: inherit; padding: .4rem .5rem; border: 1px solid var(--line); border-radius: 4px; background: var(--bg); color: var(--fg); }
form.login button { margin-top: 1rem; }
form.inline { display: inline; margin: 0; }
`;

/** For the stylesheet's ETag. */
export const STYLE_ETAG = `"${createHash('sha256').update(STYLESHEET).digest('base64url').slice(0, 22)}"`;
