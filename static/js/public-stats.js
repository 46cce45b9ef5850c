/* /stats/: draws the bar chart of cases received and closed by street from
   the public JSON. The table on the page holds the same figures. */
(function () {
  "use strict";

  function draw(box, body) {
    var names = body.streets.map(function (s) { return s.name; });
    var chart = window.echarts.init(box, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: names, inverse: true },
      series: [
        { name: box.dataset.received, type: "bar",
          data: body.streets.map(function (s) { return s.received; }),
          itemStyle: { color: "#1f5fa8" } },
        { name: box.dataset.closed, type: "bar",
          data: body.streets.map(function (s) { return s.closed; }),
          itemStyle: { color: "#2e8b57" } }
      ]
    });
    box.classList.add("is-drawn");
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    var box = document.getElementById("stats-chart");
    if (!box || !window.echarts || !window.fetch) { return; }
    var rows = 1;
    fetch(box.dataset.url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (body) {
        rows = Math.max(body.streets.length, 1);
        box.style.height = (80 + rows * 56) + "px";
        draw(box, body);
      })
      .catch(function () { box.hidden = true; });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
