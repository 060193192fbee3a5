// A "Copy" button beside something shown once (a calendar address, an API
// token): <button type="button" data-copy="ID-of-the-text" hidden>. Without
// JavaScript the button stays hidden and the text is selectable as ever.
(function () {
  "use strict";

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function say(button, words) {
    var status = document.getElementById(button.getAttribute("aria-describedby"));
    if (status) {
      status.textContent = words;
    }
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = source.textContent.trim();
      var fallback = function () {
        // No clipboard access (a plain-http address, say): select the text
        // so the person's own copy command takes it.
        selectText(source);
        say(button, "Selected: press Ctrl+C (⌘C on a Mac) to copy.");
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () {
          say(button, "Copied.");
        }, fallback);
      } else {
        fallback();
      }
    });
  });
})();
