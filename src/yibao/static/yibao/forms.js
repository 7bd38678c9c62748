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

// Small behaviours the templates ask for by data attributes: the content security policy runs no inline
// script or event-handler attribute (docs/security.md).
(function () {
  // "Select all" box of a list of checkboxes named ids.
  document.addEventListener("change", function (e) {
    var target = e.target;
    if (target && target.id === "check-all") {
      document.querySelectorAll("input[name=ids]").forEach(function (box) { box.checked = target.checked; });
    }
    // A select whose value is the URL its form posts to.
    if (target && target.hasAttribute && target.hasAttribute("data-sets-form-action") && target.form) {
      target.form.action = target.value;
    }
  });
  // A long-running form: its button is disabled and relabelled once sent, so it is not sent twice.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var label = form && form.getAttribute && form.getAttribute("data-busy-label");
    if (!label) return;
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; button.textContent = label; }
  });
  // An HTMX form whose 403 answer (a refusal page fragment) replaces the element named.
  document.addEventListener("htmx:responseError", function (e) {
    var elt = e.detail.elt;
    var selector = elt && elt.getAttribute && elt.getAttribute("data-refusal-replaces");
    if (!selector || e.detail.xhr.status !== 403) return;
    var node = document.querySelector(selector);
    if (node) node.outerHTML = e.detail.xhr.responseText;
  });
})();
