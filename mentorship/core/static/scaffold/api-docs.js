// Swagger UI draws a yes/no parameter as a <select> with no name, and code
// samples that scroll sideways out of the keyboard's reach. Mend both as
// they appear: the select is named after its parameter, the sample takes
// focus so the arrow keys scroll it.
(function () {
  "use strict";
  function mend() {
    document.querySelectorAll("tr[data-param-name] select:not([aria-label])").forEach(function (select) {
      select.setAttribute("aria-label", select.closest("tr").getAttribute("data-param-name"));
    });
    document.querySelectorAll(".swagger-ui .microlight:not([tabindex])").forEach(function (sample) {
      sample.setAttribute("tabindex", "0");
    });
  }
  new MutationObserver(mend).observe(document.body, { childList: true, subtree: true });
})();
