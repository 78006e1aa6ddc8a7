/* docgates status pages: live refresh of the workflow tiles, ages, staleness, sortable tables.
 *
 * The page is complete without this script: it was drawn when the site was built. The script
 * asks the GitHub API (without a token) for the newest runs of the watched branch, keeps the
 * answer and its ETag in localStorage so the next visit asks with If-None-Match, and updates
 * the tiles. When the API cannot be reached or is rate-limited, the snapshot stays and the
 * page says so. Everything it writes goes through textContent or a checked attribute. */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var FAILED = { failure: 1, timed_out: 1, startup_failure: 1 };
  var GLYPHS = { success: "\u2713", failed: "\u2717", cancelled: "\u2013", other: "\u00b7", running: "\u25cb" };
  var COLOURS = { success: "#1a7f37", failed: "#cf222e" };

  function kind(run) {
    if (run.status !== "completed") return "running";
    if (run.conclusion === "success") return "success";
    if (FAILED[run.conclusion]) return "failed";
    if (run.conclusion === "cancelled") return "cancelled";
    return "other";
  }

  function age(then, now) {
    var s = (now - then) / 1000, units = [["day", 86400], ["hour", 3600], ["minute", 60]];
    for (var i = 0; i < units.length; i++) {
      if (s >= units[i][1]) {
        var n = Math.floor(s / units[i][1]);
        return n + " " + units[i][0] + (n === 1 ? "" : "s") + " ago";
      }
    }
    return "just now";
  }

  function duration(seconds) {
    if (seconds == null || isNaN(seconds)) return "\u2013";
    seconds = Math.round(seconds);
    if (seconds < 60) return seconds + "s";
    var m = Math.floor(seconds / 60), s = seconds % 60;
    if (m < 60) return m + "m " + (s < 10 ? "0" : "") + s + "s";
    var h = Math.floor(m / 60); m = m % 60;
    return h + "h " + (m < 10 ? "0" : "") + m + "m";
  }

  function safeUrl(value) {
    return typeof value === "string" && /^https?:\/\//.test(value) ? value : null;
  }

  function field(root, name) {
    return root.querySelector('[data-dg-field="' + name + '"]');
  }

  function setText(node, text) {
    if (node) node.textContent = text;
  }

  function updateAges(root) {
    var now = Date.now();
    document.querySelectorAll('time[data-dg-field="age"]').forEach(function (node) {
      var then = Date.parse(node.getAttribute("datetime"));
      if (!isNaN(then)) node.textContent = age(then, now);
    });
  }

  function checkStale(root) {
    var generated = Date.parse(root.getAttribute("data-dg-generated"));
    var hours = parseFloat(root.getAttribute("data-dg-stale-hours"));
    var node = field(root, "page-stale");
    if (!node || isNaN(generated) || isNaN(hours) || hours <= 0) return;
    if (Date.now() - generated > hours * 3600 * 1000) {
      node.hidden = false;
      node.textContent = "\u26a0 Stale: this page was generated " + age(generated, Date.now()) +
        "; the test and coverage figures are from that build.";
    }
  }

  function strip(runs, label) {
    var size = 16, gap = 3, width = Math.max(runs.length, 1) * (size + gap);
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "dg-strip");
    svg.setAttribute("role", "img");
    svg.setAttribute("width", width);
    svg.setAttribute("height", size);
    svg.setAttribute("viewBox", "0 0 " + width + " " + size);
    svg.setAttribute("aria-label", label);
    var title = document.createElementNS(SVG, "title");
    title.textContent = label;
    svg.appendChild(title);
    runs.forEach(function (run, i) {
      var k = kind(run), x = i * (size + gap);
      var g = document.createElementNS(SVG, "g");
      g.setAttribute("class", "dg-run dg-run-" + k);
      var tip = document.createElementNS(SVG, "title");
      tip.textContent = "#" + run.run_number + " " + (run.conclusion || run.status) + " \u00b7 " +
        (run.display_title || "");
      var rect = document.createElementNS(SVG, "rect");
      [["x", x], ["y", 0], ["width", size], ["height", size], ["rx", 3],
       ["fill", COLOURS[k] || "#6e7781"]].forEach(function (a) { rect.setAttribute(a[0], a[1]); });
      var text = document.createElementNS(SVG, "text");
      [["x", x + size / 2], ["y", size - 4], ["text-anchor", "middle"], ["font-size", 12],
       ["fill", "#fff"], ["font-weight", 700]].forEach(function (a) { text.setAttribute(a[0], a[1]); });
      text.textContent = GLYPHS[k];
      g.appendChild(tip); g.appendChild(rect); g.appendChild(text);
      var href = safeUrl(run.html_url);
      if (href) {
        var a = document.createElementNS(SVG, "a");
        a.setAttribute("href", href);
        a.appendChild(g);
        svg.appendChild(a);
      } else {
        svg.appendChild(g);
      }
    });
    return svg;
  }

  function updateTile(tile, runs, now) {
    var completed = runs.filter(function (r) { return r.status === "completed"; });
    var last = completed[0];
    if (!last) return;
    var k = kind(last);
    tile.className = tile.className.replace(/\bdg-kind-\S+/g, "").trim() + " dg-kind-" + k;
    var running = runs[0] && runs[0].status !== "completed" ? " (run #" + runs[0].run_number + " in progress)" : "";
    setText(field(tile, "conclusion"), (last.conclusion || "unknown") + running);
    setText(field(tile, "glyph"), GLYPHS[k]);
    var link = field(tile, "run");
    if (link) {
      link.textContent = "#" + last.run_number;
      var href = safeUrl(last.html_url);
      if (href) link.setAttribute("href", href);
    }
    var when = field(tile, "age");
    if (when) {
      when.setAttribute("datetime", last.updated_at);
      when.textContent = age(Date.parse(last.updated_at), now);
    }
    var started = Date.parse(last.run_started_at || last.created_at);
    // Jobs are not asked for live (each would cost a request): the run's own timestamps give
    // an upper bound, marked as such.
    var approx = field(tile, "duration");
    if (approx) {
      approx.textContent = "\u2248 " + duration((Date.parse(last.updated_at) - started) / 1000);
      approx.setAttribute("title", "from the run's start and last update; the build-time figure comes from its jobs");
    }
    setText(field(tile, "title"), (last.display_title || "").slice(0, 200));
    var holder = field(tile, "strip");
    if (holder) {
      var shown = runs.slice(0, 20).reverse();
      holder.replaceChildren(strip(shown, "Last " + shown.length + " runs, oldest first (live)"));
    }
    tile.setAttribute("data-dg-live", "1");
  }

  function cacheKey(url) { return "docgates:" + url; }

  function readCache(url) {
    try { return JSON.parse(window.localStorage.getItem(cacheKey(url)) || "null"); }
    catch (e) { return null; }
  }

  function writeCache(url, etag, body) {
    try { window.localStorage.setItem(cacheKey(url), JSON.stringify({ etag: etag, body: body })); }
    catch (e) { /* storage full or disabled: the next visit asks afresh */ }
  }

  function refresh(root) {
    var api = root.getAttribute("data-dg-api"), repo = root.getAttribute("data-dg-repo");
    var branch = root.getAttribute("data-dg-branch"), line = field(root, "live");
    if (!safeUrl(api) || !repo || !line) return;
    var snapshot = "showing the snapshot taken when the site was built (" +
      new Date(Date.parse(root.getAttribute("data-dg-generated"))).toLocaleString() + ").";
    var url = api.replace(/\/+$/, "") + "/repos/" + repo + "/actions/runs?branch=" +
      encodeURIComponent(branch) + "&exclude_pull_requests=true&per_page=100";
    var cached = readCache(url), headers = { Accept: "application/vnd.github+json" };
    if (cached && cached.etag) headers["If-None-Match"] = cached.etag;
    line.setAttribute("data-dg-state", "loading");
    fetch(url, { headers: headers, cache: "no-store", credentials: "omit" }).then(function (response) {
      if (response.status === 304 && cached) return { body: cached.body, how: "unchanged since the last visit" };
      if (response.status === 200) {
        return response.text().then(function (text) {
          writeCache(url, response.headers.get("ETag"), text);
          return { body: text, how: "fresh" };
        });
      }
      var remaining = response.headers.get("X-RateLimit-Remaining");
      var reset = parseInt(response.headers.get("X-RateLimit-Reset") || "", 10);
      if ((response.status === 403 || response.status === 429) && (remaining === "0" || response.headers.get("Retry-After"))) {
        var until = isNaN(reset) ? "" : " until " + new Date(reset * 1000).toLocaleTimeString();
        throw { state: "rate-limited", text: "Live refresh paused: the GitHub API rate limit for this browser is used up" + until + "; " };
      }
      throw { state: "error", text: "Live refresh failed: the GitHub API answered " + response.status + "; " };
    }).then(function (answer) {
      var data = JSON.parse(answer.body), now = Date.now(), runs = (data && data.workflow_runs) || [];
      document.querySelectorAll("[data-dg-workflow]").forEach(function (tile) {
        var id = parseInt(tile.getAttribute("data-dg-workflow"), 10);
        updateTile(tile, runs.filter(function (r) { return r.workflow_id === id; }), now);
      });
      line.setAttribute("data-dg-state", "ok");
      line.textContent = "Live: workflow tiles refreshed from the GitHub API at " +
        new Date(now).toLocaleTimeString() + " (" + answer.how + ").";
    }).catch(function (problem) {
      var state = problem && problem.state ? problem.state : "unreachable";
      var text = problem && problem.text ? problem.text : "Live refresh failed: the GitHub API could not be reached; ";
      line.setAttribute("data-dg-state", state);
      line.textContent = text + snapshot;
    });
  }

  function sortable(table) {
    if (table.getAttribute("data-dg-ready")) return;
    table.setAttribute("data-dg-ready", "1");
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, index) {
      th.setAttribute("tabindex", "0");
      th.setAttribute("role", "button");
      function sort() {
        var numeric = th.getAttribute("data-dg-type") === "number";
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[index].getAttribute("data-dg-value") || "";
          var y = b.cells[index].getAttribute("data-dg-value") || "";
          var order = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
  }

  function init() {
    document.querySelectorAll("table[data-dg-sortable]").forEach(sortable);
    document.querySelectorAll(".dg-root").forEach(function (root) {
      if (root.getAttribute("data-dg-ready")) return;
      root.setAttribute("data-dg-ready", "1");
      updateAges(root);
      checkStale(root);
      refresh(root);
      var every = parseInt(root.getAttribute("data-dg-interval") || "0", 10);
      if (every >= 60) {
        var timer = window.setInterval(function () {
          if (!document.body.contains(root)) { window.clearInterval(timer); return; }
          if (!document.hidden) { refresh(root); updateAges(root); }
        }, every * 1000);
      }
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);  // Material's instant navigation swaps pages in place
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
