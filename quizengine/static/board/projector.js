// Projector page: re-reads the public (frozen after freeze time) standings every few seconds.
// Each poll names the tag of the lists on screen; the server leaves them out while unchanged.
(function () {
  "use strict";
  var root = document.getElementById("projector");
  if (!root) { return; }
  var url = root.getAttribute("data-poll");
  var list = root.querySelector("[data-list]");
  var INTERVAL = 10000;
  var tag = "";

  function cell(cls, value) {
    var span = document.createElement("span");
    span.className = cls;
    span.textContent = value;
    return span;
  }

  function render(data) {
    if (!data.unchanged) { drawList(data); }
    tag = data.tag;
    var frozen = root.querySelector("[data-frozen]");
    frozen.hidden = !data.frozen;
    root.querySelector("[data-frozen-at]").textContent = data.frozen_at || "";
    root.querySelector("[data-updated]").textContent = data.updated;
  }

  function drawList(data) {
    var rows = data.teams.length ? data.teams : data.people;
    var frag = document.createDocumentFragment();
    rows.forEach(function (s) {
      var li = document.createElement("li");
      li.appendChild(cell("rank", String(s.rank)));
      li.appendChild(cell("name", s.name));
      li.appendChild(cell("done", s.tasks_done + "/" + data.tasks_total));
      li.appendChild(cell("pts", String(s.points)));
      frag.appendChild(li);
    });
    list.replaceChildren(frag);
  }

  function poll() {
    var sep = url.indexOf("?") < 0 ? "?" : "&";
    fetch(url + (tag ? sep + "tag=" + encodeURIComponent(tag) : ""), {
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(render)
      .catch(function () { /* keep the last board on screen; try again later */ })
      .then(function () { setTimeout(poll, INTERVAL); });
  }

  setTimeout(poll, INTERVAL);
}());
