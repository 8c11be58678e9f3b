/* Status notice for any page: <script src="…/status/banner.js" async></script>
   Shows nothing when all is well; dismissed notices stay hidden until the
   notice changes. Only DOM and CSSOM calls, so a strict CSP is fine. */
(function () {
  "use strict";
  var banner = {{ data | safe }};
  var KEY = "status-banner-dismissed";
  if (!banner.active || typeof document === "undefined") { return; }
  try { if (window.localStorage.getItem(KEY) === banner.id) { return; } } catch (e) { /* storage off */ }
  var colours = { critical: "#b42318", major: "#a93f06", minor: "#7a5a00", maintenance: "#175cd3", none: "#344054" };
  function css(el, rules) { for (var name in rules) { el.style[name] = rules[name]; } }
  function show() {
    if (document.getElementById("status-banner")) { return; }
    var bar = document.createElement("div");
    bar.id = "status-banner";
    bar.setAttribute("role", "status");
    css(bar, { background: colours[banner.indicator] || colours.none, color: "#fff",
      font: "15px/1.4 system-ui, sans-serif", padding: "10px 16px", display: "flex",
      flexWrap: "wrap", gap: "8px 16px", alignItems: "center", position: "relative", zIndex: "2147483647" });
    var text = document.createElement("p");
    css(text, { margin: "0", flex: "1 1 16em" });
    var title = document.createElement("strong");
    title.textContent = banner.title + ": ";
    text.appendChild(title);
    text.appendChild(document.createTextNode(banner.message + " "));
    var link = document.createElement("a");
    link.href = banner.url;
    link.textContent = "Check our status page";
    css(link, { color: "#fff", textDecoration: "underline" });
    text.appendChild(link);
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Dismiss";
    close.setAttribute("aria-label", "Dismiss the status notice");
    css(close, { background: "transparent", color: "#fff", border: "1px solid #fff",
      borderRadius: "4px", padding: "4px 10px", font: "inherit", cursor: "pointer" });
    close.addEventListener("click", function () {
      try { window.localStorage.setItem(KEY, banner.id); } catch (e) { /* storage off */ }
      bar.parentNode.removeChild(bar);
    });
    bar.appendChild(text);
    bar.appendChild(close);
    document.body.insertBefore(bar, document.body.firstChild);
  }
  if (document.body) { show(); } else { document.addEventListener("DOMContentLoaded", show); }
})();
