// Challenge countdown: a progressive enhancement of the plain "Answer by HH:MM:SS" line.
// The server keeps the real clock and refuses late answers; this only shows the time left.
// It counts from the server's own times (data-deadline and data-now, ISO 8601, drawn with
// the page), so a device whose clock is wrong still shows the right time left. Screen
// readers hear it at one minute, 30 seconds and zero, not every second.
(function () {
  "use strict";
  var ALERTS = [
    [60000, "One minute left."],
    [30000, "30 seconds left."],
    [0, "Time’s up."],
  ];
  var timers = [];

  function format(ms) {
    var seconds = Math.max(0, Math.ceil(ms / 1000));
    var minutes = Math.floor(seconds / 60);
    seconds = seconds % 60;
    return minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
  }

  function setUp() {
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      if (el.hasAttribute("data-timer-ready")) return;
      var left = Date.parse(el.getAttribute("data-deadline")) - Date.parse(el.getAttribute("data-now"));
      var out = el.querySelector("[data-timer-left]");
      if (isNaN(left) || !out) return;
      el.setAttribute("data-timer-ready", "");
      timers.push({
        el: el,
        out: out,
        voice: el.querySelector("[data-timer-announce]"),
        end: performance.now() + left,
        // Thresholds already behind us when the page was drawn are not announced.
        said: ALERTS.filter(function (alert) { return left <= alert[0]; }).map(function (a) { return a[0]; }),
      });
    });
    tick();
  }

  function tick() {
    timers = timers.filter(function (timer) { return timer.el.isConnected; });
    timers.forEach(function (timer) {
      var left = timer.end - performance.now();
      var text = left > 0 ? format(left) + " left" : "Time’s up";
      if (timer.out.textContent !== text) timer.out.textContent = text;
      timer.el.classList.toggle("timer--low", left <= 30000);
      ALERTS.forEach(function (alert) {
        if (left <= alert[0] && timer.said.indexOf(alert[0]) === -1) {
          timer.said.push(alert[0]);
          if (timer.voice) timer.voice.textContent = alert[1];
        }
      });
    });
  }

  setUp();
  // htmx swaps in a new card (a new problem, extended time): count down its deadline.
  document.addEventListener("htmx:afterSettle", setUp);
  window.setInterval(tick, 250);
})();
