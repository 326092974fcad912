/* Booking page: keep "Your booking" in step with the time and the way to meet picked, so the
   member reads the channel before confirming. The page works the same without it. */
(function () {
  "use strict";
  var form = document.querySelector("form.la-book");
  if (!form) return;
  var summary = form.querySelector(".la-summary");
  var timeOut = summary.querySelector(".la-summary-time");
  var channelOut = summary.querySelector(".la-summary-channel strong");
  var channelSelect = form.querySelector("select[name=channel]");

  function update() {
    var slot = form.querySelector("input[name=slot]:checked");
    if (slot) timeOut.textContent = slot.dataset.time;
    // A channel chosen in the filter is fixed (hidden input); otherwise the select, or
    // what the picked time offers.
    if (!channelSelect) return;
    if (channelSelect.value) {
      channelOut.textContent = channelSelect.options[channelSelect.selectedIndex].text;
    } else if (slot) {
      channelOut.textContent = slot.dataset.channels;
    } else {
      channelOut.textContent = summary.dataset.asOffered;
    }
  }

  form.addEventListener("change", update);
  update();
})();
