/* Task page countdown from the server's remaining milliseconds (the phone's clock may be wrong;
   only elapsed time on the phone is used, never its wall-clock time). */
(function () {
  "use strict";
  var el = document.getElementById("countdown");
  if (!el) { return; }
  var remaining = parseInt(el.getAttribute("data-remaining-ms"), 10) || 0;
  var t0 = (window.performance && performance.now) ? performance.now() : Date.now();
  var now = function () { return (window.performance && performance.now) ? performance.now() : Date.now(); };
  var pad = function (n) { return (n < 10 ? "0" : "") + n; };
  var tick = function () {
    var left = remaining - (now() - t0);
    if (left <= 0) {
      el.textContent = el.getAttribute("data-msg-up");
      el.className = "up";
      return;
    }
    var s = Math.ceil(left / 1000);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    el.textContent = (h ? h + ":" + pad(m) : String(m)) + ":" + pad(s % 60);
    window.setTimeout(tick, 250);
  };
  tick();
})();
