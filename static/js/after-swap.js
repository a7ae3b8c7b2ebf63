// After htmx swaps part of a page (WCAG 2.4.3 focus order, 4.1.3 status messages).
//
// A button that htmx replaces takes the keyboard focus with it: focus falls to <body> and the next Tab
// starts again at the top, or at the footer. So, once the new content has settled:
// - focus moves to an error summary in it ([data-error-summary]) when there is one, else to its first
//   invalid field;
// - otherwise, if focus was lost, to the heading of the section the action came from, else to the new
//   content's own focus point ([data-swap-focus]), else its first heading, else the content itself;
// - the text of a [data-announce] element in it is read out by the polite live region #live-announcer,
//   which sits in base.html outside everything htmx swaps (a live region that arrives with the content
//   is not announced reliably).
// Focus that is still on something (htmx keeps focus on a field with the same id) is left alone unless
// there is an error summary to read.
(function () {
  "use strict";

  var origins = new WeakMap();

  function sectionHeadingId(element) {
    var section = element.closest("section[aria-labelledby]");
    return section ? section.getAttribute("aria-labelledby").split(" ")[0] : null;
  }

  function focusOn(element) {
    if (!element) {
      return false;
    }
    if (!element.matches("a[href], button, input, select, textarea, [tabindex]")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
    return document.activeElement === element;
  }

  function focusLost() {
    var active = document.activeElement;
    return !active || active === document.body || !active.isConnected;
  }

  function announce(text) {
    var region = document.getElementById("live-announcer");
    if (!region || !text) {
      return;
    }
    // Emptied first, so that the same message twice in a row is read twice.
    region.textContent = "";
    window.setTimeout(function () {
      region.textContent = text;
    }, 100);
  }

  function settledRoot(detail, fallback) {
    var target = detail.target;
    if (target && target.isConnected) {
      return target;
    }
    // An outerHTML swap replaced the target: the new content carries the same id.
    if (target && target.id) {
      return document.getElementById(target.id) || fallback;
    }
    return fallback;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var detail = event.detail;
    if (detail.xhr && detail.elt) {
      origins.set(detail.xhr, { headingId: sectionHeadingId(detail.elt) });
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var detail = event.detail;
    var origin = detail.xhr && origins.get(detail.xhr);
    if (!origin || origin.done) {
      return; // no request of ours, or already handled (afterSettle fires once per settled element)
    }
    origin.done = true;
    var root = settledRoot(detail, event.target);
    if (!root || !root.isConnected) {
      return;
    }
    var announced = root.querySelector("[data-announce]");
    if (announced) {
      announce(announced.textContent.trim());
    }
    // A form without a summary of its own (a single field in a table row): its first invalid field.
    var problem = root.querySelector("[data-error-summary]") || root.querySelector("[aria-invalid='true']");
    if (problem) {
      focusOn(problem);
      return;
    }
    if (!focusLost()) {
      return;
    }
    var heading = origin.headingId && document.getElementById(origin.headingId);
    if (heading && root.contains(heading)) {
      focusOn(heading);
      return;
    }
    focusOn(
      root.querySelector("[data-swap-focus]") || root.querySelector("h1, h2, h3, h4, h5, h6") || root
    );
  });
})();
