// The server checks every form and says in Chinese what is wrong, naming the field. The browser's own
// checks would speak first, in the browser's language, and stop the form from being sent: every form,
// including those HTMX swaps in later, is marked novalidate.
(function () {
  function markForms(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches("form")) root.setAttribute("novalidate", "");
    root.querySelectorAll("form").forEach(function (form) { form.setAttribute("novalidate", ""); });
  }
  markForms(document);
  document.addEventListener("htmx:load", function (event) { markForms(event.detail.elt); });
})();
