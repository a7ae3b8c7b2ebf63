// Canned replies in the message form (templates/referrals/includes/canned_replies.html).
//
// Each reply is a link that reloads the request page with the message box filled (?reply_template=<id>),
// so everything works without this file. With it, choosing a reply (click, Enter) fills the box in place:
// an empty box, or one that still holds the reply inserted before, gets the reply; text the advisor typed
// is kept and the reply goes after it. Focus moves to the box, which stays editable, and the polite live
// region of base.html (#live-announcer) says what happened.
//
// htmx runs this script again each time it swaps the workspace in: one listener on the document serves
// every version of the form, so it is added once.
(function () {
  "use strict";

  if (window.cannedRepliesReady) {
    return;
  }
  window.cannedRepliesReady = true;

  function announce(text) {
    var region = document.getElementById("live-announcer");
    if (!region || !text) {
      return;
    }
    region.textContent = ""; // emptied first, so that the same message twice in a row is read twice
    window.setTimeout(function () {
      region.textContent = text;
    }, 100);
  }

  function insert(textarea, text) {
    var current = textarea.value;
    var untouched = !current.trim() || current === textarea.getAttribute("data-canned-reply-text");
    textarea.value = untouched ? text : current.replace(/\s+$/, "") + "\n\n" + text;
    textarea.setAttribute("data-canned-reply-text", textarea.value);
    textarea.focus();
    textarea.setSelectionRange(textarea.value.length, textarea.value.length);
    textarea.scrollTop = textarea.scrollHeight;
    // Whoever listens to typing (the character counter) hears of the change.
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return; // opening the link in a new tab or window stays possible
    }
    var link = event.target.closest ? event.target.closest("a[data-canned-reply]") : null;
    var picker = link ? link.closest("[data-canned-replies]") : null;
    var textarea = picker ? document.getElementById(picker.getAttribute("data-canned-replies")) : null;
    if (!textarea) {
      return; // no message box on this page: the link reloads the page instead
    }
    event.preventDefault();
    var details = link.closest("details");
    if (details) {
      details.open = false;
    }
    insert(textarea, link.getAttribute("data-text") || "");
    var title = link.textContent.trim();
    announce((picker.getAttribute("data-inserted") || "").replace("{title}", title));
  });
})();
