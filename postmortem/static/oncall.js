// The on-call helpers: focus the error summary, one submission per click,
// and a live incident page. Everything works without this file; it only
// makes the pages quicker to use under pressure.
(function () {
  "use strict";

  // A failed submit: take the reader (and their screen reader) to the list
  // of what to fix, as the GOV.UK design system does.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }

  // Disable the submit buttons of a form while it is in flight, so a double
  // click on a slow network sends it once (the server refuses repeats too).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-once]")) { return; }
    if (form.dataset.sending === "1") { event.preventDefault(); return; }
    form.dataset.sending = "1";
    // After this turn, so the clicked button's name still goes with the form.
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type])").forEach(
        function (button) { button.disabled = true; button.setAttribute("aria-disabled", "true"); });
      form.setAttribute("aria-busy", "true");
    }, 0);
  });
  // Back to a page kept in the browser's cache: its forms may be used again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.dataset.sending = "";
      form.removeAttribute("aria-busy");
      form.querySelectorAll("button").forEach(function (button) {
        button.disabled = false; button.removeAttribute("aria-disabled");
      });
    });
  });

  // The live incident page: poll a small version stamp; when someone else
  // changes the incident, fetch the page and swap in what changed, unless
  // the reader is typing into one of its forms (then offer a reload).
  var live = document.querySelector("[data-live-url]");
  if (!live || !window.fetch) { return; }
  var indicator = document.getElementById("live-status");
  var stamp = live.dataset.stamp;
  var checked = Date.now();
  var INTERVAL = 5000;

  function say(text) { if (indicator) { indicator.textContent = text; } }
  function ago() {
    var seconds = Math.round((Date.now() - checked) / 1000);
    say(seconds < 10 ? "Live: updated just now" : "Live: checked " + seconds + " s ago");
  }
  function typing() {
    var active = document.activeElement;
    if (active && active.form && active.form.closest("[data-live-region]")) { return true; }
    return Array.prototype.some.call(
      document.querySelectorAll("[data-live-region] textarea, [data-live-region] input[type=text]"),
      function (el) { return el.value && el.value !== el.defaultValue; });
  }
  function swap(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    document.querySelectorAll("[data-live-region]").forEach(function (region) {
      var next = fresh.getElementById(region.id);
      if (next) { region.replaceWith(next); }
    });
  }
  function poll() {
    fetch(live.dataset.liveUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        checked = Date.now();
        if (!body || body.version === stamp) { ago(); return null; }
        if (typing()) {
          say("Someone else changed this incident: reload to see it");
          return null;
        }
        stamp = body.version;
        return fetch(window.location.pathname, { credentials: "same-origin", cache: "no-store" })
          .then(function (r) { return r.text(); })
          .then(function (html) { swap(html); say("Live: updated just now"); });
      })
      .catch(function () { say("Live: offline, retrying"); });
  }
  ago();
  window.setInterval(function () { if (!document.hidden) { poll(); } else { ago(); } }, INTERVAL);
  // Back to this tab or window after a while: look at once.
  window.addEventListener("focus", poll);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { poll(); } });
})();
