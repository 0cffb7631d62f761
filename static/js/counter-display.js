/* The call display's optional chime (issue 19). Silent until someone taps the button: browsers allow sound
   only after a user gesture, and a waiting room must not start beeping by itself. Then a short two-tone
   chime plays whenever a new number (or a recall) comes to the top of the list. No inline script (CSP). */
(function () {
  "use strict";
  var button = document.querySelector("[data-chime]");
  var rows = document.getElementById("display-rows");
  if (!button || !rows) return;
  var audio = null;
  var on = false;
  function latest() {
    var row = rows.querySelector("tr[data-call]");
    return row ? row.getAttribute("data-call") : "";
  }
  var last = latest();
  function tone(frequency, start, length) {
    var oscillator = audio.createOscillator();
    var gain = audio.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, audio.currentTime + start);
    gain.gain.exponentialRampToValueAtTime(0.4, audio.currentTime + start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + start + length);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(audio.currentTime + start);
    oscillator.stop(audio.currentTime + start + length + 0.05);
  }
  function chime() {
    if (!on || !audio) return;
    tone(880, 0, 0.5);
    tone(660, 0.45, 0.7);
  }
  button.addEventListener("click", function () {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { button.disabled = true; return; }
    if (!audio) audio = new Context();
    on = !on;
    if (on) { audio.resume(); chime(); }
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = button.getAttribute(on ? "data-label-on" : "data-label-off");
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.target !== rows) return;
    var now = latest();
    if (now && now !== last) chime();
    last = now;
  });
})();
