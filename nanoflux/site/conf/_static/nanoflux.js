/* nanoflux reading site. Opened from disk (file://), a browser refuses fetch(), which Sphinx's search
   uses only to show a snippet of each result page: leave the snippets out there, keep the results. */
if (window.location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS !== "undefined") {
  DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
}
