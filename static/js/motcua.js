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
  // File fields with data-max-bytes refuse a file over the limit before it is sent (the server checks too).
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) return;
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
    var tooBig = Array.prototype.some.call(input.files || [], function (file) { return file.size > limit; });
    input.setCustomValidity(tooBig ? input.getAttribute("data-too-big") : "");
    if (tooBig) { input.reportValidity(); input.value = ""; input.setCustomValidity(""); }
  });
  // Print buttons.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { event.preventDefault(); window.print(); }
  });
})();
