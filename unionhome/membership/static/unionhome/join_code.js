/* The join screen's "get verification code" button: ask the server for a code without
   leaving the page, then count down until the server allows another one. Without this
   script the button submits the form and the page comes back with the same state. */
(function () {
  "use strict";
  var form = document.querySelector("form.join-phone");
  if (!form || !window.fetch) return;
  var button = form.querySelector(".send-code");
  var status = form.querySelector(".code-status");
  var phone = form.querySelector("input[name=phone]");
  var code = form.querySelector("input[name=code]");
  var timer = null;

  function countdown(seconds) {
    var left = seconds;
    window.clearInterval(timer);
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
  }

  function show(text, isError) {
    status.textContent = text || "";
    status.classList.toggle("error", Boolean(isError));
    phone.setAttribute("aria-invalid", isError ? "true" : "false");
  }

  var initial = parseInt(button.dataset.wait || "0", 10);
  if (initial > 0) countdown(initial);

  button.addEventListener("click", function (event) {
    event.preventDefault();
    var data = new FormData(form);
    data.append("send_code", "1");
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (result) {
        show(result.body.detail, !result.ok);
        if (result.body.wait) {
          countdown(result.body.wait);
        } else {
          button.disabled = false;
        }
        if (result.ok) code.focus();
      })
      .catch(function () {
        button.disabled = false;
      });
  });
})();
