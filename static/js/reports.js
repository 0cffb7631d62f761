/* Statistics dashboard: draws the 12-month trend charts from the json_script data.
   Progressive enhancement: the same figures are in the table below each chart. */
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("trend-data");
    if (!source || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var rates = document.getElementById("trend-rates");
    if (rates) {
      new window.Chart(rates, {
        type: "line",
        data: {
          labels: data.labels,
          datasets: [
            { label: data.names.online_rate, data: data.online_rate, borderColor: "#0b5cad", spanGaps: true },
            { label: data.names.on_time_rate, data: data.on_time_rate, borderColor: "#1a7f37", borderDash: [6, 3], spanGaps: true },
            { label: data.names.digitization_rate, data: data.digitization_rate, borderColor: "#9a6700", borderDash: [2, 2], spanGaps: true }
          ]
        },
        options: { maintainAspectRatio: false, scales: { y: { min: 0, max: 100 } } }
      });
    }
    var received = document.getElementById("trend-received");
    if (received) {
      new window.Chart(received, {
        type: "bar",
        data: { labels: data.labels, datasets: [{ label: data.names.received, data: data.received, backgroundColor: "#0b5cad" }] },
        options: { maintainAspectRatio: false }
      });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
