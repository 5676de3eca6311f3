/* Render every Vega-Lite spec on the page (<script type="application/json" class="vl-spec">)
   with the vendored vega-embed, in Dutch number and date formats. */
(function () {
  "use strict";
  var formatLocale = {decimal: ",", thousands: ".", grouping: [3], currency: ["€\u00a0", ""]};
  var timeFormatLocale = {
    dateTime: "%a %e %B %Y %X", date: "%d-%m-%Y", time: "%H:%M:%S", periods: ["AM", "PM"],
    days: ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
    shortDays: ["zo", "ma", "di", "wo", "do", "vr", "za"],
    months: ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
    shortMonths: ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
  };
  function render(root) {
    var specs = (root || document).querySelectorAll("script.vl-spec");
    specs.forEach(function (node) {
      var target = document.getElementById(node.dataset.target);
      if (!target || target.dataset.rendered) { return; }
      target.dataset.rendered = "1";
      var spec = JSON.parse(node.textContent);
      var options = {actions: false, renderer: "svg", formatLocale: formatLocale};
      if (document.documentElement.lang !== "en") { options.timeFormatLocale = timeFormatLocale; }
      vegaEmbed(target, spec, options).then(function () { target.dataset.ready = "1"; })
        .catch(function (err) { target.textContent = "Grafiek kon niet worden getoond: " + err; });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { render(document); });
  document.addEventListener("htmx:afterSwap", function (e) { render(e.target); });
}());

