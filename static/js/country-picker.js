/* Country pickers (issue 17): every `select[data-country-picker]` becomes a search field (GOV.UK's
 * accessible-autocomplete, vendored) with the chosen countries as chips, each a button that removes it.
 *
 * A progressive enhancement: the native <select> stays in the form, hidden, and holds the choice, so the
 * form posts exactly what it posts without JavaScript. A country is found by its name in English or
 * Swedish or a common other name (`data-alt`: USA, UK; any word's beginning, accents ignored) or by its ISO code: "tys", "germ" and "DE" all find
 * Germany. The texts come from the select's data-picker-* attributes, in the page's language.
 */
(function () {
  "use strict";

  function normalise(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function countriesOf(select) {
    return Array.prototype.filter
      .call(select.options, function (option) { return option.value !== ""; })
      .map(function (option, index) {
        var names = [option.text, option.dataset.en, option.dataset.sv]
          .concat((option.dataset.alt || "").split(","))
          .map(normalise);
        var words = [];
        names.forEach(function (name) { words = words.concat(name.split(/[\s\-(),.']+/)); });
        return { option: option, code: option.value, label: option.text.trim(), names: names, words: words, index: index };
      });
  }

  // 0: the ISO code itself; 1: the start of a name; 2: the start of a word in a name; -1: no match.
  function rank(country, query) {
    if (country.code.toLowerCase() === query) return 0;
    if (country.names.some(function (name) { return name.indexOf(query) === 0; })) return 1;
    if (country.words.some(function (word) { return word && word.indexOf(query) === 0; })) return 2;
    return -1;
  }

  function enhance(select) {
    if (select.dataset.countryPickerReady || typeof window.accessibleAutocomplete !== "function") return;
    select.dataset.countryPickerReady = "true";
    var text = select.dataset;
    var multiple = select.multiple;
    var countries = countriesOf(select);
    var inputId = select.id + "-search";
    var label = document.querySelector('label[for="' + select.id + '"]');
    var hint = document.getElementById(select.id + "_helptext");
    var error = document.getElementById(select.id + "_error");

    var picker = document.createElement("div");
    picker.className = "country-picker";
    picker.id = select.id + "-picker";
    var search = document.createElement("div");
    search.className = "country-picker__search";
    var chips = document.createElement("ul");
    chips.className = "country-picker__chips";
    chips.setAttribute("aria-label", text.pickerChosen);
    var status = document.createElement("div");
    status.className = "country-picker__status visually-hidden";
    status.setAttribute("aria-live", "polite");
    picker.appendChild(search);
    picker.appendChild(chips);
    picker.appendChild(status);
    select.parentNode.insertBefore(picker, select);
    select.hidden = true;
    if (label) label.htmlFor = inputId;
    if (hint && text.pickerHint) hint.textContent = text.pickerHint;
    // The filter forms react to "change": only the hidden select's changes are the form's.
    ["input", "change"].forEach(function (type) {
      search.addEventListener(type, function (event) { event.stopPropagation(); });
    });

    function announce(message) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = message; }, 50);
    }

    function chosen() {
      return countries.filter(function (country) { return country.option.selected; });
    }

    function changed() {
      // Its listener below draws the chips again; a filter form listening for "change" hears it too.
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function focusAfterRemoval(index) {
      var buttons = chips.querySelectorAll("button");
      var next = buttons[Math.min(index, buttons.length - 1)];
      (next || document.getElementById(inputId)).focus();
    }

    function remove(country, index) {
      country.option.selected = false;
      if (!multiple) select.value = "";
      changed();
      announce(text.pickerRemoved.replace("%s", country.label));
      focusAfterRemoval(index);
    }

    function renderChips() {
      chips.textContent = "";
      chosen().forEach(function (country, index) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "country-picker__chip";
        button.dataset.value = country.code;
        // Its name starts with its visible text's action: "Remove Germany" (WCAG 2.5.3).
        var action = text.pickerRemove.split("%s");
        var before = document.createElement("span");
        before.className = "visually-hidden";
        before.textContent = action[0];
        var name = document.createElement("span");
        name.textContent = country.label;
        var after = document.createElement("span");
        after.className = "visually-hidden";
        after.textContent = action[1] || "";
        var cross = document.createElement("span");
        cross.className = "country-picker__cross";
        cross.setAttribute("aria-hidden", "true");
        cross.textContent = "×";
        button.append(before, name, after, cross);
        button.addEventListener("click", function () { remove(country, index); });
        button.addEventListener("keydown", function (event) {
          if (event.key === "Delete" || event.key === "Backspace") {
            event.preventDefault();
            remove(country, index);
          }
        });
        item.appendChild(button);
        chips.appendChild(item);
      });
      chips.hidden = !chips.firstChild;
    }

    function source(query, populate) {
      var q = normalise(query);
      if (!q) { populate([]); return; }
      var found = countries
        .filter(function (country) { return !(multiple && country.option.selected); })
        .map(function (country) { return { country: country, rank: rank(country, q) }; })
        .filter(function (hit) { return hit.rank >= 0; })
        .sort(function (a, b) { return a.rank - b.rank || a.country.index - b.country.index; })
        .map(function (hit) { return hit.country; });
      populate(found);
    }

    function confirm(country) {
      if (!country) return;
      if (!multiple) select.value = "";
      country.option.selected = true;
      changed();
      announce(text.pickerAdded.replace("%s", country.label));
    }

    var describedBy = [error && error.textContent.trim(), hint && hint.textContent.trim(), text.pickerAssistive]
      .filter(Boolean)
      .join(" ");
    window.accessibleAutocomplete({
      element: search,
      id: inputId,
      name: "",
      source: source,
      onConfirm: confirm,
      minLength: 1,
      autoselect: false,
      confirmOnBlur: false,
      displayMenu: "overlay",
      inputClasses: "form-control" + (select.classList.contains("is-invalid") ? " is-invalid" : ""),
      templates: {
        // The input empties once a country is chosen: the chips show the choice.
        inputValue: function () { return ""; },
        suggestion: function (country) {
          if (!country || typeof country === "string") return escapeHtml(country || "");
          return escapeHtml(country.label) + ' <span class="country-picker__code">' + escapeHtml(country.code) + "</span>";
        },
      },
      tNoResults: function () { return text.pickerNone; },
      tAssistiveHint: function () { return describedBy; },
      tStatusQueryTooShort: function () { return ""; },
      tStatusNoResults: function () { return text.pickerNone; },
      tStatusSelectedOption: function () { return ""; },
      tStatusResults: function (length) {
        return length === 1 ? text.pickerOne : text.pickerMany.replace("%s", length);
      },
    });
    // Its two live regions keep aria-live but not role="status": a page's one status (a list's count)
    // stays the one that role names.
    search.querySelectorAll('[role="status"]').forEach(function (region) { region.removeAttribute("role"); });
    var input = document.getElementById(inputId);
    if (input && select.getAttribute("aria-invalid")) input.setAttribute("aria-invalid", "true");
    // An error summary's link to the hidden select leads to the search field instead.
    document.querySelectorAll('a[href="#' + select.id + '"]').forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        input.focus();
        input.scrollIntoView({ block: "center" });
      });
    });
    // Changes made to the select itself (a form reset, a test, another script) show as chips too.
    select.addEventListener("change", renderChips);
    select.form && select.form.addEventListener("reset", function () { window.setTimeout(renderChips, 0); });
    renderChips();
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("select[data-country-picker]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  } else {
    enhanceAll(document);
  }
  document.addEventListener("htmx:load", function (event) { enhanceAll(event.detail && event.detail.elt); });
})();
