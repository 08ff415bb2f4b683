// The print page's Print button (a file, not inline, so the Content-Security-Policy can forbid inline scripts).
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("print-button");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
});
