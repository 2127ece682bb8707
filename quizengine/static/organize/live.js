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
  var cursor = "";
  var seen = {};
  var INTERVAL = 5000;
  var MAX_ITEMS = 300;

  function text(tag, value, cls) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (cls) { el.className = cls; }
    return el;
  }

  function describe(item) {
    if (item.type === "checkin") {
      var s = (item.accepted ? "✓ check-in " : "✗ refused check-in ") + item.checkpoint;
      if (item.distance_m !== null) { s += " (" + item.distance_m + " m)"; }
      if (!item.accepted) { s += " · " + item.verdict; }
      if (item.flags.length) { s += " · flags: " + item.flags.join(", "); }
      return s;
    }
    if (item.type === "answer") {
      var verdict = item.status === "late" ? "late" : (item.correct ? "correct" : "wrong");
      return "answer: " + item.task + " · " + verdict + " · " + item.points + " pts";
    }
    return "submission: " + item.task + " · " + item.status;
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

  function renderGrid(data) {
    var rows = document.createDocumentFragment();
    data.rows.forEach(function (row) {
      var tr = document.createElement("tr");
      var th = text("th", row.name);
      th.scope = "row";
      tr.appendChild(th);
      row.cells.forEach(function (c) {
        var td = text("td", c.visited ? "✓" : "·", c.visited ? "visited" : "todo");
        td.appendChild(text("small", " " + c.done + "/" + c.total + " · " + c.points));
        tr.appendChild(td);
      });
      tr.appendChild(text("td", String(row.points), "num"));
      rows.appendChild(tr);
    });
    grid.replaceChildren(rows);
  }

  function apply(data) {
    root.querySelector("[data-clock]").textContent = data.clock.now;
    Object.keys(data.counts).forEach(function (k) {
      var el = root.querySelector('[data-count="' + k + '"]');
      if (el) { el.textContent = data.counts[k]; }
    });
    renderGrid(data.grid);
    addItems(data.items);
    cursor = data.cursor;
    status.textContent = "Updated " + data.clock.now;
  }

  function poll() {
    fetch(url + (cursor ? "?after=" + encodeURIComponent(cursor) : ""), {
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    }).then(function (data) {
      apply(data);
      // Drain a backlog quickly, then settle into the normal pace.
      setTimeout(poll, data.items.length >= 100 ? 200 : INTERVAL);
    }).catch(function (err) {
      status.textContent = "Connection problem (" + err.message + "), retrying…";
      setTimeout(poll, INTERVAL * 2);
    });
  }

  poll();
}());
