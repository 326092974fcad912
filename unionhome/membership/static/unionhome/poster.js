/* The poster's print button (no inline handlers: Content-Security-Policy). */
document.querySelectorAll(".poster-print-button").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
