/* Creative task: a large translated "take or choose photos" button over the native file input
   (which stays in the page for screen readers and keyboards), a count of the photos chosen,
   and shrinking of big photos in the browser (canvas, longest side 1600 px, JPEG) before
   upload. Without JS the plain file input is shown and the form posts the originals. */
(function () {
  "use strict";
  var form = document.getElementById("submit-form");
  var input = document.getElementById("photos");
  if (!form || !input) { return; }
  var pick = document.getElementById("photo-pick");
  var status = document.getElementById("photo-status");
  var maxCount = parseInt(input.getAttribute("data-max-count"), 10) || 6;
  var msg = function (name, n) {
    return (status.getAttribute("data-msg-" + name) || "").replace("{n}", String(n));
  };
  var count = function () {
    var n = input.files ? input.files.length : 0;
    var name = n === 0 ? "none" : (n === 1 ? "one" : (n > maxCount ? "too-many" : "many"));
    status.textContent = msg(name, n);
    status.className = n > maxCount ? "flash error" : (n ? "picked" : "hint");
  };
  if (pick && status) {
    pick.className += " enhanced";
    input.addEventListener("change", count);
    window.addEventListener("pageshow", count);  // back/forward cache keeps the chosen files
    count();
  }
  if (!window.FormData || !window.fetch || !window.Promise || !HTMLCanvasElement.prototype.toBlob) { return; }
  var maxSide = parseInt(input.getAttribute("data-max-side"), 10) || 1600;
  var shrink = function (file) {
    return new Promise(function (resolve) {
      if (!/^image\//.test(file.type)) { resolve(file); return; }
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () {
        var scale = Math.min(1, maxSide / Math.max(img.naturalWidth, img.naturalHeight));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(img.naturalWidth * scale);
        canvas.height = Math.round(img.naturalHeight * scale);
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        canvas.toBlob(function (blob) { resolve(blob || file); }, "image/jpeg", 0.85);
      };
      img.onerror = function () { URL.revokeObjectURL(url); resolve(file); };
      img.src = url;
    });
  };
  form.addEventListener("submit", function (ev) {
    if (!input.files || !input.files.length) { return; }
    ev.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    if (status) { status.className = "hint"; status.textContent = form.getAttribute("data-msg-shrinking"); }
    Promise.all(Array.prototype.map.call(input.files, shrink)).then(function (blobs) {
      var data = new FormData(form);
      data.delete("photos");
      blobs.forEach(function (b, i) { data.append("photos", b, "photo" + i + ".jpg"); });
      return fetch(form.action, { method: "POST", body: data, credentials: "same-origin" });
    }).then(function (resp) {
      if (resp.redirected || resp.ok) { window.location.href = resp.url; return; }
      return resp.text().then(function (html) { document.open(); document.write(html); document.close(); });
    }).catch(function () { button.disabled = false; form.submit(); });
  });
})();
