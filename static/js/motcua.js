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
  // File fields with data-max-bytes refuse a file over the limit before it is sent, saying so beside the
  // field (the server checks again). The refused choice is cleared, so nothing too big is uploaded.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) return;
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
    var tooBig = Array.prototype.filter.call(input.files || [], function (file) { return file.size > limit; });
    var note = document.getElementById(input.id + "_toobig");
    if (!tooBig.length) { if (note) note.remove(); return; }
    if (!note) {
      note = document.createElement("p");
      note.id = input.id + "_toobig";
      note.className = "error";
      note.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", note);
      input.setAttribute("aria-describedby", (input.getAttribute("aria-describedby") || "") + " " + note.id);
    }
    note.textContent = input.getAttribute("data-too-big") + " (" + tooBig.map(function (file) {
      var size = (file.size / 1048576).toFixed(1);
      return file.name + ": " + (document.documentElement.lang === "en" ? size : size.replace(".", ",")) + " MB";
    }).join(", ") + ")";
    input.value = "";
  });
  // Print buttons.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { event.preventDefault(); window.print(); }
  });
})();
