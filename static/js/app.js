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
  // A hint that updates as the person types (a live region, like the phone's open cases at intake) is not an action:
  // the page's messages stay (a form given back after signing in again says so in one).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (target && target.hasAttribute && target.hasAttribute("aria-live")) {
      return;
    }
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
  // Before the session ends for inactivity, a warning offers to stay signed in (templates/base.html holds it and its
  // texts; core/views.py keepalive renews the session). Typing is not activity to the server, so a long call with a
  // family would otherwise end in the sign-in page. Nothing is stored in the browser.
  var warning = document.getElementById("session-warning");
  if (warning && window.fetch) {
    var settings = warning.dataset;
    var idle = Number(settings.idleSeconds) * 1000;
    var warnBefore = Number(settings.warnSeconds) * 1000;
    var hardEnd = Date.now() + Number(settings.absoluteLeft) * 1000; // the 12-hour limit: no button renews it
    var text = document.getElementById("session-warning-text");
    var stay = warning.querySelector("[data-session-stay]");
    var warningText = text.textContent;
    // The server renews the session at most once a minute: count from its last renewal, not from this page's load.
    var renewed = Date.now() - (idle - Number(settings.idleLeft || settings.idleSeconds) * 1000);
    var timer = null;
    var returnFocus = null;
    var ended = false;

    var show = function (message, canStay) {
      text.textContent = message;
      stay.hidden = !canStay;
      if (warning.hidden) {
        returnFocus = document.activeElement;
        warning.hidden = false;
      }
      (canStay ? stay : warning).focus();
    };
    var hide = function () {
      warning.hidden = true;
      if (returnFocus && document.contains(returnFocus)) {
        returnFocus.focus();
      }
      returnFocus = null;
    };
    var check = function () {
      clearTimeout(timer);
      if (ended) {
        return;
      }
      var now = Date.now();
      var end = Math.min(renewed + idle, hardEnd);
      if (now >= end) {
        ended = true;
        show(settings.textEnded, false);
      } else if (now >= end - warnBefore) {
        if (warning.hidden) {
          var renewable = hardEnd > renewed + idle;
          show(renewable ? warningText : settings.textFinal, renewable);
        }
        timer = setTimeout(check, end - now);
      } else {
        timer = setTimeout(check, end - warnBefore - now);
      }
    };
    stay.addEventListener("click", function () {
      var asked = Date.now();
      stay.disabled = true;
      fetch(settings.keepaliveUrl, {
        method: "POST",
        headers: { "X-CSRFToken": settings.csrfToken },
        credentials: "same-origin",
        redirect: "manual",
      })
        .then(function (response) {
          if (response.status === 204) {
            renewed = asked;
            hide();
          } else {
            renewed = 0; // signed out already (a redirect to sign in)
          }
          check();
        })
        .catch(function () {
          // Offline: the warning stays, and the button can be pressed again.
        })
        .finally(function () {
          stay.disabled = false;
        });
    });
    warning.querySelector("[data-session-close]").addEventListener("click", hide);
    warning.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        hide();
      }
    });
    // Every htmx request (the phone hint at intake, sending a need) renews the session too.
    var sent = Date.now();
    document.addEventListener("htmx:beforeRequest", function () {
      sent = Date.now();
    });
    document.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.successful && !ended) {
        renewed = Math.max(renewed, sent);
        if (!warning.hidden && text.textContent === warningText) {
          hide();
        }
        check();
      }
    });
    // An htmx request made after the session ended changes nothing and says so (core/resume.py).
    document.addEventListener("session-ended", function () {
      renewed = 0;
      check();
    });
    // A phone asleep or a tab in the background delays timers: look again when the page is seen.
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") {
        check();
      }
    });
    check();
  }
})();
