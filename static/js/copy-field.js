// Progressive enhancement: a "Copy" button beside a read-only field. Without JavaScript the buttons stay
// hidden and the field's text is selected and copied by hand.
(function () {
  "use strict";

  function setUp(button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (!field) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () {
        if (status) {
          status.textContent = button.getAttribute("data-copied");
        }
      };
      field.focus();
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          document.execCommand("copy");
          done();
        });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("button[data-copy-target]"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
