// The API docs page (/api/v1/docs/): what Swagger UI's markup lacks for screen readers
// and keyboards, added as it renders. Each line answers one axe-core rule; docs/api.md
// ("The docs page") lists them.
"use strict";

(function () {
  const ui = document.getElementById("swagger-ui");

  function mend() {
    // select-name: a parameter's list of values has no label; name it after the parameter.
    ui.querySelectorAll("tr[data-param-name] select:not([aria-label])").forEach((select) => {
      select.setAttribute("aria-label", select.closest("tr").dataset.paramName);
    });
    // scrollable-region-focusable: an example wider than its box scrolls, so a keyboard
    // must be able to reach it.
    ui.querySelectorAll("pre.microlight:not([tabindex])").forEach((pre) => {
      pre.setAttribute("tabindex", "0");
    });
    // button-name: a nested schema's expand button shows only an arrow; name it after the
    // property it belongs to.
    ui.querySelectorAll(".model-box-control:not([aria-label])").forEach((button) => {
      if (button.textContent.trim() === "") {
        const row = button.closest("tr.property-row");
        const name = row ? row.firstElementChild.firstChild.textContent.trim() : "";
        button.setAttribute("aria-label", name ? `Properties of ${name}` : "Properties");
      }
    });
    // landmark-unique: each open operation's responses are a region; say whose.
    ui.querySelectorAll("table.responses-table[role=region]:not([aria-label])").forEach((table) => {
      const path = table.closest(".opblock")?.querySelector(".opblock-summary-path")?.dataset.path;
      table.setAttribute("aria-label", path ? `Responses of ${path}` : "Responses");
    });
    // region: the title and description sit outside Swagger UI's own <main>.
    ui.querySelectorAll(".information-container:not([role])").forEach((info) => {
      info.setAttribute("role", "region");
      info.setAttribute("aria-label", "About this API");
    });
  }

  new MutationObserver(mend).observe(ui, { childList: true, subtree: true });
})();
