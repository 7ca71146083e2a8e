// The authoring admin's glue for htmx (the CSP forbids inline script and hx-on):
// - every htmx request carries the CSRF token of the page's form, as a header;
// - a Markdown field's preview request (data-md-preview) sends that field's text alone,
//   so inline rows (whose names Django numbers in the browser) need no per-row set-up;
// - rows that Django's inlines add in the browser are handed to htmx.
(function () {
  "use strict";
  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = csrfToken();
    var elt = event.detail.elt;
    if (elt && elt.hasAttribute && elt.hasAttribute("data-md-preview")) {
      event.detail.parameters.text = elt.value;
      event.detail.parameters.mode = elt.getAttribute("data-md-preview");
    }
  });
  document.addEventListener("formset:added", function (event) {
    if (window.htmx) window.htmx.process(event.target);
  });
})();
