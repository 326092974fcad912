/* The "request new code" button of the sign-in and phone verification code pages: disabled,
   counting down the seconds the server gave the page, until it allows another SMS code (the
   server refuses earlier requests anyway; this only shows the wait). */
(function () {
  "use strict";
  var button = document.querySelector("button.resend-code");
  if (!button) return;
  var left = parseInt(button.dataset.wait || "0", 10);
  if (!(left > 0)) return;
  var timer = null;
  function tick() {
    if (left <= 0) {
      window.clearInterval(timer);
      button.disabled = false;
      button.textContent = button.dataset.label;
      return;
    }
    button.disabled = true;
    button.textContent = button.dataset.waitText.replace("{s}", String(left));
    left -= 1;
  }
  tick();
  timer = window.setInterval(tick, 1000);
})();
