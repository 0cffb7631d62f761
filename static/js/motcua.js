/* MotCua progressive enhancement. Every flow works without this file. No inline scripts (CSP). */
(function () {
  "use strict";
  // Disable a submit button while its form is being sent, and show that work is in progress.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-no-busy")) return;
    var button = event.submitter || form.querySelector("[type=submit]");
    if (button && !button.disabled) {
      window.setTimeout(function () { button.disabled = true; button.setAttribute("aria-busy", "true"); }, 0);
    }
    form.setAttribute("aria-busy", "true");
  });
  // Elements with data-confirm ask before submitting (destructive actions).
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) event.preventDefault();
  });
  // Print buttons.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { event.preventDefault(); window.print(); }
  });
})();
