// Keeps the server-rendered "time left" of a written procedure's deadline current, and adds
// the deadline in the viewer's own time zone. Without script the page shows the same figures
// as of its rendering. Texts come from data attributes, translated on the server.
(function () {
  "use strict";

  function format(template, value) {
    return template.replace("{time}", value);
  }

  function remaining(ms, units) {
    var seconds = Math.max(0, Math.floor(ms / 1000));
    var days = Math.floor(seconds / 86400);
    var hours = Math.floor((seconds % 86400) / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var parts = [];
    if (days) parts.push(days + " " + units[0]);
    if (days || hours) parts.push(hours + " " + units[1]);
    parts.push(minutes + " " + units[2]);
    if (!days && !hours) parts.push((seconds % 60) + " " + units[3]);
    return parts.join(" ");
  }

  function update(timer, deadline) {
    var left = deadline - Date.now();
    var units = (timer.dataset.units || "d h min s").split(" ");
    var text = left > 0 ? format(timer.dataset.left, remaining(left, units)) : timer.dataset.passed;
    if (timer.textContent !== text) timer.textContent = text;
    return left > 0;
  }

  function showLocal(timer, deadline) {
    var slot = timer.parentNode.querySelector(".countdown-local");
    if (!slot || !window.Intl) return;
    var when = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      dateStyle: "medium",
      timeStyle: "short",
      timeZoneName: "short",
    }).format(deadline);
    slot.textContent = "(" + format(timer.dataset.local, when) + ")";
  }

  function start(timer) {
    var deadline = new Date(timer.dataset.deadline);
    if (isNaN(deadline.getTime())) return;
    showLocal(timer, deadline);
    if (!update(timer, deadline)) return;
    var interval = window.setInterval(function () {
      if (!update(timer, deadline)) window.clearInterval(interval);
    }, 1000);
  }

  document.querySelectorAll(".countdown[data-deadline]").forEach(start);
})();
