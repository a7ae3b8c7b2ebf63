// The dashboard's charts: a progressive enhancement. Without this file (or without Chart.js) every figure
// is its data table. With it, each chart replaces its table on screen and a button toggles the table back.
(function () {
  "use strict";

  var PALETTE = ["#1d4f91", "#c8102e", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f"];

  function readData(id) {
    var island = document.getElementById(id);
    return island ? JSON.parse(island.textContent) : null;
  }

  function setUpFigure(container) {
    var data = readData(container.getAttribute("data-chart-source"));
    var table = document.getElementById(container.getAttribute("data-table"));
    if (!data || !table || !data.labels.length || typeof window.Chart === "undefined") {
      return;
    }
    var canvas = document.createElement("canvas");
    // The chart is an image of the table; assistive technology reads the table (the toggle) instead.
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", container.getAttribute("data-chart-label"));
    var frame = document.createElement("div");
    frame.className = "figure-chart-frame";
    frame.appendChild(canvas);
    container.appendChild(frame);

    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary btn-sm mt-2 figure-table-toggle";
    button.setAttribute("aria-controls", table.id);
    container.appendChild(button);

    function show(tableShown) {
      table.hidden = !tableShown;
      button.setAttribute("aria-expanded", tableShown ? "true" : "false");
      button.textContent = container.getAttribute(tableShown ? "data-hide-table" : "data-show-table");
    }
    button.addEventListener("click", function () {
      show(table.hidden);
    });

    new window.Chart(canvas, {
      type: data.type,
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (dataset, index) {
          return {
            label: dataset.label,
            data: dataset.data,
            backgroundColor: PALETTE[index % PALETTE.length],
            borderColor: PALETTE[index % PALETTE.length],
          };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : undefined,
        scales: { y: { beginAtZero: true } },
      },
    });
    container.hidden = false;
    show(false);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart-source]").forEach(setUpFigure);
  });
})();
