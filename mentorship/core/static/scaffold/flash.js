// A message about something further down the page is shown beside it.
// After "Check-in logged." the browser lands on /pairings/7/#checkin-12,
// scrolled to the check-in, and a message at the top of the page would be
// out of sight: it moves to the element the address points to (a form
// whose action ends in #enroll lands there too, with its errors), and is
// scrolled into view. Without JavaScript the
// message stays at the top of the page.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var messages = document.getElementById("messages");
    if (!messages || location.hash.length < 2) {
      return;
    }
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!target || target.contains(messages) || messages.contains(target)) {
      return;
    }
    // At the start of a container (a check-in's list item, a section);
    // right after anything else (a heading), so that the target, where the
    // browser scrolls, still comes first.
    if (/^(LI|SECTION|ARTICLE|DIV|FORM|FIELDSET)$/.test(target.tagName)) {
      target.insertBefore(messages, target.firstChild);
    } else {
      target.parentNode.insertBefore(messages, target.nextSibling);
    }
    target.scrollIntoView();
  });
})();
