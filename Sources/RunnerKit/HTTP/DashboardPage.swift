/// The live dashboard page (`GET /dashboard`): one self-contained HTML file — no external scripts,
/// fonts or stylesheets, so it works where the runner has no internet — that polls
/// `/dashboard/figures` and redraws its panels. Each panel carries its newest figure in
/// `data-latest` (and ranked lists each entry in `data-name`/`data-value`), so tests and scrapers can
/// read what is shown.
enum DashboardPage {
    static let html = """
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Tributary dashboard</title>
    <style>
      :root { --ink: #1d2430; --muted: #6b7485; --card: #ffffff; --page: #eef1f6; --accent: #2f6fed; --accent-soft: #cfdcfb; }
      * { box-sizing: border-box; }
      body { margin: 0; font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--page); }
      header { display: flex; justify-content: space-between; align-items: baseline; padding: 18px 28px 6px; }
      header h1 { margin: 0; font-size: 22px; }
      #updated { color: var(--muted); font-size: 13px; }
      h2.dashboard { margin: 14px 28px 4px; font-size: 16px; color: var(--muted); font-weight: 600; }
      .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 16px; padding: 8px 28px 24px; }
      .panel { background: var(--card); border-radius: 10px; padding: 14px 16px; box-shadow: 0 1px 3px rgba(20, 30, 60, .08); }
      .panel h3 { margin: 0 0 6px; font-size: 14px; font-weight: 600; color: var(--muted); }
      .latest { font-size: 34px; font-weight: 700; letter-spacing: -.5px; }
      .caption { color: var(--muted); font-size: 12px; }
      svg { width: 100%; height: 120px; display: block; margin-top: 6px; }
      svg .bar { fill: var(--accent-soft); } svg .bar.newest { fill: var(--accent); }
      svg .line { fill: none; stroke: var(--accent); stroke-width: 2; }
      svg text { fill: var(--muted); font-size: 10px; }
      ol { margin: 4px 0 0; padding: 0; list-style: none; }
      ol li { display: grid; grid-template-columns: 22px 1fr auto; gap: 8px; align-items: center; padding: 3px 0; font-size: 14px; }
      ol li .rank { color: var(--muted); font-size: 12px; text-align: right; }
      ol li .name { position: relative; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
      ol li .meter { position: absolute; left: 0; top: 0; bottom: 0; background: var(--accent-soft); z-index: 0; border-radius: 3px; }
      ol li .label { position: relative; z-index: 1; padding-left: 4px; }
      ol li .value { font-variant-numeric: tabular-nums; font-weight: 600; }
      .waiting { color: var(--muted); font-style: italic; }
    </style>
    </head>
    <body>
    <header><h1 id="title">Dashboard</h1><span id="updated">connecting…</span></header>
    <main id="dashboards"></main>
    <script>
    "use strict";
    const number = new Intl.NumberFormat("en", { maximumFractionDigits: 2 });
    function shown(value) { return typeof value === "number" ? number.format(value) : JSON.stringify(value); }
    function time(iso) { return iso ? iso.substring(11, 16) : ""; }
    // A point is a window (by its start) or a key-value store's entry (by its key, often a window start).
    function isTime(text) { return /^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d/.test(text || ""); }
    function label(point) {
      const name = point.window_start || point.key || "";
      return isTime(name) ? time(name) : name;
    }
    function element(tag, attributes, text) {
      const node = document.createElement(tag);
      for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
      if (text !== undefined) node.textContent = text;
      return node;
    }
    function svg(tag, attributes) {
      const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
      for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
      return node;
    }
    function chart(panel, points) {
      const width = 600, height = 120, bottom = 16;
      const values = points.map(point => typeof point.value === "number" ? point.value : 0);
      const top = Math.max(1, ...values);
      const canvas = svg("svg", { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: "none" });
      const step = width / Math.max(points.length, 1);
      const y = value => (height - bottom) * (1 - value / top);
      if (panel.chart === "line") {
        const path = values.map((value, index) => `${(index + 0.5) * step},${y(value)}`).join(" ");
        canvas.appendChild(svg("polyline", { class: "line", points: path }));
      } else {
        values.forEach((value, index) => canvas.appendChild(svg("rect", {
          class: index === values.length - 1 ? "bar newest" : "bar",
          x: index * step + 1, y: y(value), width: Math.max(step - 2, 1), height: (height - bottom) - y(value) })));
      }
      if (points.length > 0) {
        const first = svg("text", { x: 2, y: height - 3 }); first.textContent = label(points[0]);
        const last = svg("text", { x: width - 2, y: height - 3, "text-anchor": "end" }); last.textContent = label(points[points.length - 1]);
        canvas.append(first, last);
      }
      return canvas;
    }
    function panelCard(dashboardIndex, panelIndex, panel) {
      const card = element("section", { class: "panel", "data-dashboard": dashboardIndex, "data-panel": panelIndex, "data-title": panel.title });
      card.appendChild(element("h3", {}, panel.title));
      const points = panel.points || [];
      if (panel.error || points.length === 0) {
        card.appendChild(element("div", { class: "waiting" }, "waiting for data"));
        return card;
      }
      const newest = points[points.length - 1];
      card.setAttribute("data-latest", JSON.stringify(newest.value));
      const newestStart = newest.window_start || (isTime(newest.key) ? newest.key : "");
      card.setAttribute("data-window-start", newestStart);
      if (panel.chart === "top-list") {
        const list = element("ol");
        const entries = panel.entries || [];
        const largest = Math.max(1, ...entries.map(entry => entry.value));
        entries.forEach((entry, index) => {
          const row = element("li", { "data-name": entry.name, "data-value": JSON.stringify(entry.value) });
          row.appendChild(element("span", { class: "rank" }, String(index + 1)));
          const name = element("span", { class: "name" });
          name.appendChild(element("span", { class: "meter", style: `width:${100 * entry.value / largest}%` }));
          name.appendChild(element("span", { class: "label" }, entry.name));
          row.appendChild(name);
          row.appendChild(element("span", { class: "value" }, shown(entry.value)));
          list.appendChild(row);
        });
        card.appendChild(list);
      } else {
        card.appendChild(element("div", { class: "latest" }, shown(newest.value)));
        if (panel.chart !== "number") card.appendChild(chart(panel, points));
      }
      if (newestStart) card.appendChild(element("div", { class: "caption" }, `window from ${newestStart.replace("T", " ").substring(0, 16)} UTC`));
      else if (newest.key) card.appendChild(element("div", { class: "caption" }, newest.key));
      return card;
    }
    function render(dashboards) {
      const main = document.getElementById("dashboards");
      main.replaceChildren();
      document.getElementById("title").textContent = dashboards.map(dashboard => dashboard.title).join(" · ") || "Dashboard";
      dashboards.forEach((dashboard, dashboardIndex) => {
        if (dashboards.length > 1) main.appendChild(element("h2", { class: "dashboard" }, dashboard.title));
        const grid = element("div", { class: "grid" });
        dashboard.panels.forEach((panel, panelIndex) => grid.appendChild(panelCard(dashboardIndex, panelIndex, panel)));
        main.appendChild(grid);
      });
    }
    async function refresh() {
      let wait = 2000;
      try {
        // A runner that requires a token gets it from the page address's #token= fragment.
        const token = new URLSearchParams(location.hash.slice(1)).get("token");
        const response = await fetch("/dashboard/figures", { cache: "no-store", headers: token ? { Authorization: "Bearer " + token } : {} });
        const dashboards = await response.json();
        render(dashboards);
        wait = dashboards.length > 0 ? dashboards[0].refresh_ms : wait;
        document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString("en-GB");
      } catch (error) {
        document.getElementById("updated").textContent = "runner unreachable; retrying";
      }
      setTimeout(refresh, wait);
    }
    refresh();
    </script>
    </body>
    </html>
    """
}
