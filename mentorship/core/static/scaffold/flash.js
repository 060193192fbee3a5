// A message about something further down the page is shown beside it.
// After "Check-in logged." the browser lands on /pairings/7/#checkin-12,
// scrolled to the check-in, and a message at the top of the page would be
// out of sight: it moves to the start of the element the address points
// to, and that element is scrolled into view again. Without JavaScript the
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
    target.insertBefore(messages, target.firstChild);
    target.scrollIntoView();
  });
})();
