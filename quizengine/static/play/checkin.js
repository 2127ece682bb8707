/* Checkpoint page: read the phone's position and post it; explain every geolocation error. */
(function () {
  "use strict";
  var form = document.getElementById("checkin");
  if (!form) { return; }
  var button = document.getElementById("locate");
  var status = document.getElementById("geo-status");
  var msg = function (name) { return form.getAttribute("data-msg-" + name) || ""; };
  var say = function (text, bad) {
    status.textContent = text;
    status.className = bad ? "flash error" : "hint";
    button.disabled = false;
  };
  button.disabled = false;
  button.addEventListener("click", function () {
    if (window.isSecureContext === false) { say(msg("insecure"), true); return; }
    if (!("geolocation" in navigator)) { say(msg("unsupported"), true); return; }
    button.disabled = true;
    status.className = "hint";
    status.textContent = msg("locating");
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.lat.value = String(pos.coords.latitude);
      form.elements.lon.value = String(pos.coords.longitude);
      form.elements.accuracy.value = String(pos.coords.accuracy);
      form.elements.fix_ts.value = String(Math.round(pos.timestamp || Date.now()));
      form.submit();
    }, function (err) {
      var names = { 1: "denied", 2: "unavailable", 3: "timeout" };
      say(msg(names[err.code] || "unavailable"), true);
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 10000 });
  });
})();
