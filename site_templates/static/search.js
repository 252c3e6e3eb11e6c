// The site's one script: Pagefind's search UI on /search/, with the query from ?q= (the header form).
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var element = document.getElementById("search");
  if (!element || typeof PagefindUI === "undefined") return;
  var ui = new PagefindUI({
    element: "#search",
    bundlePath: element.dataset.bundle,
    baseUrl: element.dataset.base,
    showImages: false,
    showSubResults: false,
    resetStyles: false,
    autofocus: true,
    sort: null,
    openFilters: ["지역"],
  });
  // Pagefind labels its input with a placeholder only: give it a real accessible name.
  var input = element.querySelector("input");
  if (input) input.setAttribute("aria-label", "기사 검색어");
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
});
