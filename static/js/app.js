// Patternwise glue: after htmx swaps the test card, move focus to its heading so keyboard
// and screen-reader users land on the new question or feedback. No inline handlers: the
// Content-Security-Policy forbids them.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.elt;
    var heading = target && target.querySelector ? target.querySelector("[data-autofocus]") : null;
    if (!heading && target && target.matches && target.matches("[data-autofocus]")) heading = target;
    if (!heading) heading = document.querySelector("#test-card [data-autofocus]");
    if (heading) {
      heading.focus({ preventScroll: true });
      heading.scrollIntoView({ block: "start", behavior: "instant" in document.documentElement.style ? "instant" : "auto" });
    }
  });
})();
