// Live filtering on the search page: htmx (static/vendor) replaces the results as the
// search text, dates or order change, and when a filter or page link is followed. The page
// works the same without JavaScript. Here: say how many results there are in a status
// region outside the replaced part (so that screen readers announce it), and move the
// focus to the results' heading after a link was followed (the link itself is gone).
document.addEventListener("htmx:afterSettle", function (event) {
  var heading = document.getElementById("results-title");
  var status = document.getElementById("search-status");
  if (!heading || !status) {
    return;
  }
  status.textContent = heading.textContent.replace(/\s+/g, " ").trim();
  var trigger = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (trigger && trigger.tagName === "A") {
    heading.focus();
  }
});
