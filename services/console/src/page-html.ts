/**
 * The console's one page: plain HTML and CSS; the module `/app.js` (src/web/app.ts) fills it from
 * the live feed. Kept in a module, not a file beside dist/, so it ships with the build as is.
 */
export const CONSOLE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Edge domain console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/vendor/uplot.min.css">
<style>
  :root { --fg: #1d2430; --muted: #667085; --line: #d9dee7; --accent: #2f6fde; --bad: #c0362c;
          --warn: #b7791f; --ok: #2f855a; --bg: #f6f7f9; font-family: system-ui, sans-serif; }
  body { margin: 0; color: var(--fg); background: var(--bg); }
  header { display: flex; gap: 1rem; align-items: baseline; padding: .8rem 1.2rem;
           background: #fff; border-bottom: 1px solid var(--line); }
  header h1 { font-size: 1.15rem; margin: 0; }
  #status { font-size: .85rem; padding: .1rem .5rem; border-radius: .8rem; background: var(--line); }
  #status[data-state="live"] { background: #d7f0e0; color: var(--ok); }
  #status[data-state="down"] { background: #f8dcda; color: var(--bad); }
  .muted { color: var(--muted); font-size: .85rem; }
  main { display: grid; grid-template-columns: repeat(auto-fit, minmax(30rem, 1fr)); gap: 1rem;
         padding: 1rem 1.2rem; }
  section { background: #fff; border: 1px solid var(--line); border-radius: .4rem; padding: .6rem .9rem; }
  section.wide { grid-column: 1 / -1; }
  h2 { font-size: 1rem; margin: .2rem 0 .6rem; }
  h3 { font-size: .9rem; margin: .6rem 0 .3rem; }
  table { border-collapse: collapse; width: 100%; font-size: .85rem; }
  th, td { text-align: left; padding: .25rem .4rem; border-bottom: 1px solid var(--line); vertical-align: top; }
  th { color: var(--muted); font-weight: 600; }
  code { font-size: .85em; }
  .bar { display: inline-block; height: .55rem; background: var(--accent); border-radius: .2rem;
         vertical-align: middle; margin-right: .35rem; }
  .tag { display: inline-block; font-size: .75rem; padding: 0 .35rem; margin: 0 .2rem .1rem 0;
         border: 1px solid var(--line); border-radius: .6rem; background: var(--bg); }
  .error { color: var(--bad); font-size: .85rem; }
  .drift-missing, .drift-failed { color: var(--bad); }
  .drift-stale, .drift-orphaned { color: var(--warn); }
  .empty { color: var(--muted); font-style: italic; font-size: .85rem; }
  #notes li { color: var(--muted); font-size: .8rem; }
</style>
</head>
<body>
<header>
  <h1>Edge domain</h1>
  <span id="status" data-state="connecting">connecting…</span>
  <span class="muted">controller <code id="controller">?</code></span>
  <span class="muted" id="taken-at"></span>
</header>
<main>
  <section class="wide" id="traffic-section">
    <h2>Calls through the routers</h2>
    <div id="chart"></div>
  </section>
  <section id="routers-section">
    <h2>Routers and their forwarding tables</h2>
    <div id="routers"></div>
  </section>
  <section id="lambdas-section">
    <h2>Lambdas and where they run</h2>
    <div id="lambdas"></div>
  </section>
  <section id="computers-section">
    <h2>Computers</h2>
    <div id="computers"></div>
  </section>
  <section id="installations-section">
    <h2>OpenWhisk installations</h2>
    <div id="installations"></div>
  </section>
  <section class="wide">
    <h2>Not shown</h2>
    <ul id="notes"></ul>
  </section>
</main>
<script type="module" src="/app.js"></script>
</body>
</html>
`;
