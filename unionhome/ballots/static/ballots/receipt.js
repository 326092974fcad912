/* Copy the receipt to the clipboard; the button only appears where copying works. */
(function () {
  "use strict";
  var button = document.querySelector(".copy-receipt");
  if (!button || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var text = document.getElementById(button.dataset.copy).textContent.trim();
    navigator.clipboard.writeText(text).then(function () {
      document.querySelector(".copy-done").textContent = button.dataset.done;
    });
  });
})();
