// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // A live "N characters left" under a textarea marked data-char-counter="<limit>". The hint already
  // states the limit, so without JavaScript nothing is lost. The visible count changes on every key;
  // screen readers hear it only when the user pauses, so typing is not drowned in announcements.
  function setUpCharacterCounter(textarea) {
    var limit = parseInt(textarea.getAttribute("data-char-counter"), 10);
    if (!limit) {
      return;
    }
    var one = textarea.getAttribute("data-counter-one") || "{count}";
    var other = textarea.getAttribute("data-counter-other") || "{count}";
    var language = document.documentElement.lang || undefined;

    var visible = document.createElement("div");
    visible.className = "form-text char-counter";
    visible.setAttribute("aria-hidden", "true");
    var live = document.createElement("div");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    textarea.insertAdjacentElement("afterend", visible);
    visible.insertAdjacentElement("afterend", live);

    function message() {
      var left = limit - textarea.value.length;
      var template = Math.abs(left) === 1 ? one : other;
      return template.replace("{count}", left.toLocaleString(language));
    }

    var timer = null;
    function update(announce) {
      var text = message();
      visible.textContent = text;
      visible.classList.toggle("char-counter--low", limit - textarea.value.length < limit / 10);
      if (announce) {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          live.textContent = text;
        }, 1000);
      }
    }

    update(false);
    textarea.addEventListener("input", function () {
      update(true);
    });
  }

  // The menu's groups are <details class="nav-menu">: they open and close without JavaScript. With it, one
  // is open at a time, and it closes on Escape (focus back on its summary), on a click elsewhere, or when
  // the focus leaves it.
  function setUpMenus() {
    var menus = Array.prototype.slice.call(document.querySelectorAll("details.nav-menu"));
    if (!menus.length) {
      return;
    }
    menus.forEach(function (menu) {
      menu.addEventListener("toggle", function () {
        if (menu.open) {
          menus.forEach(function (other) {
            if (other !== menu) {
              other.open = false;
            }
          });
        }
      });
      menu.addEventListener("focusout", function (event) {
        if (menu.open && event.relatedTarget && !menu.contains(event.relatedTarget)) {
          menu.open = false;
        }
      });
    });
    document.addEventListener("click", function (event) {
      menus.forEach(function (menu) {
        if (menu.open && !menu.contains(event.target)) {
          menu.open = false;
        }
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") {
        return;
      }
      menus.forEach(function (menu) {
        if (menu.open) {
          var hadFocus = menu.contains(document.activeElement);
          menu.open = false;
          if (hadFocus) {
            menu.querySelector("summary").focus();
          }
        }
      });
    });
  }

  // The inbox's bulk panel (issue 17): without JavaScript it is always shown. With it, it is hidden until
  // a row is selected; then its legend says how many are selected, and a status region
  // (#bulk-live, outside the panel, so that it is in the page before the panel appears) reads the count
  // out. Only the field the chosen action needs is shown. After an htmx swap of the results it starts again.
  function bulkPanel() {
    return document.querySelector("form[data-bulk-panel]");
  }

  function selectedRows(panel) {
    return document.querySelectorAll('input[type="checkbox"][name="selected"][form="' + panel.id + '"]:checked');
  }

  function bulkText(panel, count) {
    if (count === 0) {
      return panel.getAttribute("data-bulk-none") || "";
    }
    if (count === 1) {
      return panel.getAttribute("data-bulk-one") || String(count);
    }
    return (panel.getAttribute("data-bulk-many") || "{count}").replace(
      "{count}",
      count.toLocaleString(document.documentElement.lang || undefined)
    );
  }

  function showBulkFields(panel) {
    var action = panel.querySelector('select[name="action"]');
    var chosen = action ? action.value : "";
    var fields = panel.querySelectorAll("[data-bulk-field]");
    for (var i = 0; i < fields.length; i++) {
      var name = fields[i].getAttribute("data-bulk-field");
      var invalid = fields[i].querySelector("[aria-invalid='true']");
      fields[i].hidden = !(name === "action" || name === chosen || invalid);
    }
  }

  function updateBulkPanel(announce) {
    var panel = bulkPanel();
    if (!panel) {
      return;
    }
    var count = selectedRows(panel).length;
    var keep = panel.hasAttribute("data-bulk-keep"); // it came back with errors: leave it in view
    panel.hidden = count === 0 && !keep;
    var badge = panel.querySelector("[data-bulk-count]");
    if (badge) {
      badge.textContent = bulkText(panel, count);
      badge.hidden = count === 0;
    }
    if (announce) {
      var live = document.getElementById("bulk-live");
      if (live) {
        live.textContent = bulkText(panel, count);
      }
    }
  }

  function setUpBulkPanel() {
    var panel = bulkPanel();
    if (!panel) {
      return;
    }
    panel.classList.add("bulk-form--live");
    showBulkFields(panel);
    updateBulkPanel(false);
  }

  document.addEventListener("change", function (event) {
    var panel = bulkPanel();
    if (!panel || !event.target.matches) {
      return;
    }
    if (event.target.matches('input[type="checkbox"][name="selected"]')) {
      panel.removeAttribute("data-bulk-keep");
      updateBulkPanel(true);
    } else if (event.target.matches('form[data-bulk-panel] select[name="action"]')) {
      showBulkFields(panel);
    }
  });
  document.addEventListener("htmx:afterSettle", setUpBulkPanel);

  document.addEventListener("DOMContentLoaded", function () {
    setUpMenus();
    setUpBulkPanel();
    // Move focus to an error summary so screen-reader users hear what went wrong.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
    var counters = document.querySelectorAll("textarea[data-char-counter]");
    for (var i = 0; i < counters.length; i++) {
      setUpCharacterCounter(counters[i]);
    }
  });
})();
