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

  document.addEventListener("DOMContentLoaded", function () {
    setUpMenus();
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
