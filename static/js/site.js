// Progressive enhancement: pages work without this script.
// On a vacancy page, show the deadline in the candidate's own time zone and a live countdown.
(function () {
  "use strict";
  var deadline = document.querySelector("[data-deadline]");
  if (!deadline || !window.Intl) { return; }
  var when = new Date(deadline.getAttribute("datetime"));
  if (isNaN(when.getTime())) { return; }
  var language = document.documentElement.lang || "en";
  // The words come translated from the page (data-* attributes), like every other string.
  var local = document.querySelector("[data-local-time]");
  if (local) {
    // Not dateStyle/timeStyle: those cannot be combined with timeZoneName (a RangeError).
    local.textContent = local.dataset.label + " " + when.toLocaleString(language, {
      year: "numeric", month: "long", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short"
    });
    local.hidden = false;
  }
  var countdown = document.querySelector("[data-countdown]");
  // The server's words ("closes in 3 days", in calendar days) hold until the last 24 hours;
  // from then on, count the hours down.
  function update() {
    var words = countdown.dataset;
    var left = when.getTime() - Date.now();
    if (left <= 0) { countdown.textContent = words.closed; return; }
    var hours = Math.floor(left / 3600000);
    if (hours >= 24) { return; }
    countdown.textContent = hours < 1 ? words.soon
      : hours === 1 ? words.oneHour : words.hours.replace("{hours}", hours);
  }
  if (countdown) { update(); window.setInterval(update, 60000); }
})();

// On the list, after a search or a change of filters (a new page whose address has a query
// string), say how many vacancies were found. Screen readers do not read out a live region
// that is already filled when the page loads, only a change to one: the empty status region
// is filled once they have taken the new page in.
(function () {
  "use strict";
  var status = document.querySelector("[data-results-status]");
  var heading = document.getElementById("results-heading");
  if (!status || !heading || !window.location.search) { return; }
  // With the count, what the page says about the search itself: a page that does not
  // exist, a suggestion of other words.
  var said = [heading].concat(Array.prototype.slice.call(
    document.querySelectorAll("[data-announced]")));
  window.setTimeout(function () {
    status.textContent = said.map(function (element) {
      return element.textContent.replace(/\s+/g, " ").trim();
    }).join(" ");
  }, 500);
})();
