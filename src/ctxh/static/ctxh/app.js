// ctxh: small behaviours without inline scripts (the CSP allows only 'self').
document.addEventListener("click", function (event) {
  // A confirmation before destructive actions: <button data-confirm="…">.
  var el = event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) {
    event.preventDefault();
    event.stopPropagation();
  }
}, true);
