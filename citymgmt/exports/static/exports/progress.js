// An export's page: move the progress bar from the job's status URL until the
// job ends, then reload so the page shows the download link or the failure.
(function () {
  "use strict";

  function start() {
    var root = document.querySelector(".export-job");
    if (!root) return;
    var state = root.getAttribute("data-state");
    if (state !== "queued" && state !== "running") return;
    var url = root.getAttribute("data-status-url");
    var every = parseInt(root.getAttribute("data-poll-ms"), 10) || 1000;
    var text = root.getAttribute("data-count-text") || "{written} / {total}";
    var bar = document.getElementById("export-progress");
    var count = document.getElementById("export-count");

    function show(job) {
      if (job.total !== null && bar) {
        bar.max = Math.max(job.total, 1);
        bar.value = job.rows_written;
        bar.textContent = job.percent + "%";
      }
      if (job.total !== null && count) {
        count.textContent = text
          .replace("{written}", job.rows_written.toLocaleString())
          .replace("{total}", job.total.toLocaleString());
      }
    }

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (job) {
          show(job);
          if (job.finished) {
            window.location.reload();
          } else {
            window.setTimeout(poll, every);
          }
        })
        .catch(function () {
          // A dropped connection: try again a little later.
          window.setTimeout(poll, every * 3);
        });
    }

    window.setTimeout(poll, every);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
