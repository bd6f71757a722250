// Small behaviours for the whole app. Loaded as a static file: the Content Security Policy forbids inline scripts.
(function () {
  "use strict";
  // Forms marked data-confirm ask before they submit (closing a case, purging, declining).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
  // An htmx action (sending a need, accepting a referral) shows its message in the part of the page it replaces;
  // the messages already on the page are from before it, so they go.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.requestConfig && event.detail.requestConfig.verb !== "get") {
      document.querySelectorAll("#main > .messages, #main [data-flash]").forEach(function (message) {
        message.remove();
      });
    }
  });
  // Buttons that print the page (public help pages).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
})();
