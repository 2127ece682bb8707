// Live dashboard: polls the JSON endpoint with a cursor and updates the clock, the counts,
// the grid and the feed without reloading. Stateless on the server, so any worker can answer.
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root) { return; }
  var url = root.getAttribute("data-poll");
  var feed = root.querySelector("[data-feed]");
  var grid = root.querySelector("[data-grid] tbody");
  var status = root.querySelector("[data-status]");
  var words = JSON.parse(root.getAttribute("data-words") || "{}");
  var cursor = "";
  var gridTag = "";
  // The page of the grid's rows this page shows (an individual race's 5,000 rows come in pages).
  var gridPage = root.getAttribute("data-grid-page") || "1";
  // Keys already shown. The server sends a slice of recent rows again when a row in it
  // committed late (services/live_cursor.py); the rows shown before are dropped here.
  var seen = {};
  var INTERVAL = 5000;
  var MAX_ITEMS = 300;

  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) { el.className = cls; }
    return el;
  }

  // A word of the page's language: word("answer"), or for a code word("verdicts", "too_far")
  // ("too far"; the code itself when it has no word).
  function word(group, code) {
    if (code === undefined) { return words[group] || group; }
    return (words[group] && words[group][code]) || code;
  }

  function describe(item) {
    if (item.type === "checkin") {
      var s = (item.accepted ? "✓ " + word("checkin") : "✗ " + word("refused")) + " " +
        item.checkpoint;
      if (item.distance_m !== null) { s += " (" + item.distance_m + " m)"; }
      if (!item.accepted) { s += " · " + word("verdicts", item.verdict); }
      if (item.flags.length) {
        s += " · " + word("flags") + ": " +
          item.flags.map(function (f) { return word("flag_names", f); }).join(", ");
      }
      return s;
    }
    if (item.type === "answer") {
      var verdict = item.status === "late" ? word("late") :
        word(item.correct ? "correct" : "wrong");
      return word("answer") + ": " + item.task + " · " + verdict + " · " + item.points + " " +
        word("points");
    }
    return word("submission") + ": " + item.task + " · " + word("statuses", item.status);
  }

  function addItems(items) {
    items.forEach(function (item) {
      if (seen[item.key]) { return; }
      seen[item.key] = true;
      var li = document.createElement("li");
      li.className = "feed-" + item.type + (item.accepted === false ? " refused" : "") +
        (item.flags && item.flags.length ? " flagged" : "");
      li.appendChild(text("time", item.time));
      li.appendChild(text("strong", " " + item.who + " "));
      li.appendChild(text("span", describe(item)));
      feed.insertBefore(li, feed.firstChild);
    });
    while (feed.children.length > MAX_ITEMS) { feed.removeChild(feed.lastChild); }
  }

  // The checkpoint columns, drawn again when an organizer adds, removes, renames or moves a
  // checkpoint while the page is open (else the cells would sit under the wrong names).
  function renderHead(checkpoints) {
    var head = root.querySelector("[data-grid] thead tr");
    var cells = head.children;
    var same = cells.length === checkpoints.length + 2 && checkpoints.every(function (cp, i) {
      return cells[i + 1].textContent === cp.name && cells[i + 1].title === cp.code;
    });
    if (same) { return; }
    var row = [cells[0]];
    checkpoints.forEach(function (cp) {
      var th = text("th", cp.name);
      th.scope = "col";
      th.title = cp.code;
      row.push(th);
    });
    row.push(cells[cells.length - 1]);
    head.replaceChildren.apply(head, row);
  }

  // A cell is [visited (0 or 1), tasks done, points], or 0 when nothing is in it.
  function fillCell(td, cell, total) {
    var visited = cell ? cell[0] === 1 : false;
    td.className = visited ? "visited" : "todo";
    td.firstChild.nodeValue = visited ? "✓" : "·";
    td.lastChild.textContent = " " + (cell ? cell[1] : 0) + "/" + total + " · " +
      (cell ? cell[2] : 0);
  }

  function sameCell(a, b) {
    return a === b || (a !== 0 && b !== 0 && a[0] === b[0] && a[1] === b[1] && a[2] === b[2]);
  }

  function sameLayout(old, data) {
    if (old.rows.length !== data.rows.length || grid.children.length !== data.rows.length ||
        old.checkpoints.length !== data.checkpoints.length) { return false; }
    var cps = data.checkpoints.every(function (cp, i) {
      var was = old.checkpoints[i];
      return was.id === cp.id && was.name === cp.name && was.code === cp.code &&
        was.total === cp.total;
    });
    return cps && data.rows.every(function (row, i) { return old.rows[i].id === row.id; });
  }

  // The grid drawn last; a new one with the same rows and columns changes only the cells,
  // names and row points that differ (rebuilding 25,000 cells every poll took about a second).
  var shown = null;

  function renderGrid(data) {
    renderHead(data.checkpoints);
    var totals = data.checkpoints.map(function (cp) { return cp.total; });
    var old = shown;
    shown = data;
    if (old && sameLayout(old, data)) {
      data.rows.forEach(function (row, i) {
        var was = old.rows[i];
        var tr = grid.children[i];
        if (was.name !== row.name) { tr.firstChild.textContent = row.name; }
        row.cells.forEach(function (cell, j) {
          if (!sameCell(cell, was.cells[j])) { fillCell(tr.children[j + 1], cell, totals[j]); }
        });
        if (was.points !== row.points) { tr.lastChild.textContent = String(row.points); }
      });
      return;
    }
    var rows = document.createDocumentFragment();
    if (!data.rows.length) {
      var none = text("td", word("nobody"));
      none.colSpan = data.checkpoints.length + 2;
      rows.appendChild(document.createElement("tr")).appendChild(none);
    }
    data.rows.forEach(function (row) {
      var tr = document.createElement("tr");
      var th = text("th", row.name);
      th.scope = "row";
      tr.appendChild(th);
      row.cells.forEach(function (cell, j) {
        var td = text("td", "·");
        td.appendChild(text("small", ""));
        fillCell(td, cell, totals[j]);
        tr.appendChild(td);
      });
      tr.appendChild(text("td", String(row.points), "num"));
      rows.appendChild(tr);
    });
    grid.replaceChildren(rows);
  }

  // The flagged and refused check-in lists are drawn by the server. When their counts move,
  // fetch this page again (without its grid) and swap both lists in, so they match the counts
  // above them (not while the organizer is deciding a flag there: the next poll tries again).
  var listed = {};
  var refreshing = false;
  ["open_flags", "refused_checkins"].forEach(function (k) {
    var el = root.querySelector('[data-count="' + k + '"]');
    listed[k] = el ? el.textContent.trim() : "";
  });

  function busy(section) {
    if (section.contains(document.activeElement)) { return true; }
    return Array.prototype.some.call(section.querySelectorAll("input, textarea"), function (el) {
      return el.type === "radio" || el.type === "checkbox" ? el.checked :
        el.type !== "hidden" && el.value !== "";
    });
  }

  function refreshLists(counts) {
    var sections = ["flags", "refused"].map(function (id) { return document.getElementById(id); });
    var stale = Object.keys(listed).some(function (k) { return String(counts[k]) !== listed[k]; });
    if (!stale || refreshing || sections.some(function (s) { return !s || busy(s); })) { return; }
    refreshing = true;
    fetch(window.location.pathname + "?part=lists", {
      headers: { "Accept": "text/html" },
      credentials: "same-origin"
    }).then(function (r) {
      if (!r.ok || r.redirected) { throw new Error("HTTP " + r.status); }
      return r.text();
    }).then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var fresh = sections.map(function (s) { return page.getElementById(s.id); });
      if (fresh.some(function (s) { return !s; }) || sections.some(busy)) { return; }
      sections.forEach(function (s, i) { s.replaceWith(document.adoptNode(fresh[i])); });
      Object.keys(listed).forEach(function (k) { listed[k] = String(counts[k]); });
    }).catch(function () {
      // Keep the lists shown; the next poll tries again.
    }).then(function () {
      refreshing = false;
    });
  }

  function apply(data) {
    root.querySelector("[data-clock]").textContent = data.clock.now;
    // The event's times may be edited while the page is open, and it closes at its end.
    root.querySelector("[data-starts]").textContent = data.clock.starts;
    root.querySelector("[data-ends]").textContent = data.clock.ends;
    var open = root.querySelector("[data-open]");
    open.textContent = open.getAttribute(data.clock.open ? "data-word-open" : "data-word-closed");
    Object.keys(data.counts).forEach(function (k) {
      var el = root.querySelector('[data-count="' + k + '"]');
      if (el) { el.textContent = data.counts[k]; }
    });
    // null: the grid shown is still the server's (the poll named its tag)
    if (data.grid !== null) { renderGrid(data.grid); }
    gridTag = data.grid_tag;
    refreshLists(data.counts);
    addItems(data.items);
    cursor = data.cursor;
    status.textContent = word("updated") + " " + data.clock.now;
  }

  // The page brings the grid as it was when it was made, and its tag: drawn at once, and the
  // first poll brings no grid unless it changed since.
  var first = document.getElementById("grid-data");
  if (first) {
    renderGrid(JSON.parse(first.textContent));
    gridTag = root.querySelector("[data-grid]").getAttribute("data-grid-tag");
  }

  function poll() {
    var query = [];
    if (cursor) { query.push("after=" + encodeURIComponent(cursor)); }
    if (gridTag) { query.push("grid=" + encodeURIComponent(gridTag)); }
    if (gridPage !== "1") { query.push("page=" + encodeURIComponent(gridPage)); }
    fetch(url + (query.length ? "?" + query.join("&") : ""), {
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (r) {
      // Signed out: the poll was sent on to the log-in page, whose HTML is no JSON.
      if (r.redirected) { throw new Error(new URL(r.url).pathname); }
      // A cursor the server no longer reads: start the feed over ("seen" drops repeats).
      if (r.status === 400) { cursor = ""; }
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    }).then(function (data) {
      apply(data);
      // Drain a backlog quickly, then settle into the normal pace.
      setTimeout(poll, data.more ? 200 : INTERVAL);
    }).catch(function (err) {
      status.textContent = word("problem").replace("%(error)s", err.message);
      setTimeout(poll, INTERVAL * 2);
    });
  }

  poll();
}());
