// Polls a progress URL ({status, stage, finished}) for the element marked
// data-url inside #matching-progress (or any [data-progress-url]) and
// reloads the page when the work is finished.
(function () {
  "use strict";
  var box = document.querySelector("[data-url]#matching-progress, [data-progress-url]");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-url") || box.getAttribute("data-progress-url");
  var stage = box.querySelector("[data-stage]");
  var bar = box.querySelector("progress");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (body) {
        if (stage && body.stage) {
          stage.textContent = body.stage;
        }
        if (bar && typeof body.total === "number" && body.total > 0 && body.done > 0) {
          bar.max = body.total;
          bar.value = body.done;
        }
        if (body.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }
  window.setTimeout(poll, 500);
})();
