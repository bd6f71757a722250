// The incident page refreshes its live part every few seconds (htmx polling, hx-trigger on #incident-live).
// While the tab is hidden it asks for nothing; when the tab is shown again it asks at once.
(function () {
  "use strict";
  document.addEventListener("htmx:confirm", function (event) {
    var element = event.detail.elt;
    if (document.hidden && element && element.hasAttribute && element.hasAttribute("data-incident-live")) {
      event.preventDefault();
    }
  });
  document.addEventListener("visibilitychange", function () {
    var live = document.querySelector("[data-incident-live]");
    if (!document.hidden && live && window.htmx) {
      window.htmx.trigger(live, "incident-refresh");
    }
  });
})();
