/* Behaviour of every page, without inline handlers (the Content-Security-Policy forbids them). */
(function () {
  "use strict";
  var MENU = "nav.menu details";

  /* The main menu (<details name="hoofdmenu">) opens and closes without script; this adds what a
     menu is expected to do besides: one open at a time (for browsers without the name
     attribute), Escape closes it and returns to its button, a click elsewhere closes it. */
  function closeMenus(except) {
    document.querySelectorAll(MENU + "[open]").forEach(function (d) { if (d !== except) { d.open = false; } });
  }
  document.addEventListener("toggle", function (event) {
    var d = event.target;
    if (d.open && d.matches && d.matches(MENU)) { closeMenus(d); }
  }, true);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = document.querySelector(MENU + "[open]");
    if (open) { open.open = false; open.querySelector("summary").focus(); }
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest(MENU)) { closeMenus(null); }
  });

  /* A select marked data-submit (the language choice) submits its form. */
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("select[data-submit]") && target.form) { target.form.submit(); }
  });
}());
