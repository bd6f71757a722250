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
  // Buttons that print the page (public help pages).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
})();
