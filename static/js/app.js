// Patternwise glue: after htmx swaps the test card, move focus to its heading so keyboard
// and screen-reader users land on the new question or feedback. No inline handlers: the
// Content-Security-Policy forbids them.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail.elt;
    var heading = target && target.querySelector ? target.querySelector("[data-autofocus]") : null;
    if (!heading && target && target.matches && target.matches("[data-autofocus]")) heading = target;
    // After an outerHTML swap the event may name the old, detached element: fall back to
    // the page's one autofocus heading, which only swapped cards carry.
    if (!heading || !heading.isConnected) heading = document.querySelector("[data-autofocus]");
    if (heading) {
      heading.focus({ preventScroll: true });
      heading.scrollIntoView({ block: "start", behavior: "instant" in document.documentElement.style ? "instant" : "auto" });
    }
  });

  // Code blocks and wide tables scroll sideways inside themselves. While one overflows, it
  // takes keyboard focus (tabindex="0") so it can be scrolled with the arrow keys; it gives
  // the tab stop back when it fits again (wider window, shorter lines).
  var SCROLLERS = ".highlight pre, pre.output, .table-scroll";
  // Every width is read before any attribute is written: interleaving them would make the
  // browser lay the page out again for each block (slow on long lessons).
  function update(elements) {
    var overflows = elements.map(function (el) { return el.scrollWidth > el.clientWidth + 1; });
    elements.forEach(function (el, i) {
      if (overflows[i] && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("data-scroll-focus", "");
      } else if (!overflows[i] && el.hasAttribute("data-scroll-focus")) {
        el.removeAttribute("tabindex");
        el.removeAttribute("data-scroll-focus");
      }
    });
  }
  // A ResizeObserver reports every element once when first observed, after layout.
  var observer = "ResizeObserver" in window ? new ResizeObserver(function (entries) {
    update(entries.map(function (entry) { return entry.target; }));
  }) : null;
  function watch(root) {
    if (!root || !root.querySelectorAll) return;
    var elements = Array.prototype.slice.call(root.querySelectorAll(SCROLLERS));
    if (observer) elements.forEach(function (el) { observer.observe(el); });
    else update(elements);
  }
  watch(document);
  document.addEventListener("htmx:afterSettle", function (event) { watch(event.detail.elt); });
})();
