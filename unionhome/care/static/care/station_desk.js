/* The station desk: live stock count, and scanning a card with the phone camera. */
(function () {
  var stock = document.getElementById("stock");
  setInterval(function () {
    fetch(stock.dataset.url, {credentials: "same-origin"}).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { stock.textContent = data.remaining; } }).catch(function () {});
  }, 5000);
  // The phone's camera where the browser can decode QR codes itself (BarcodeDetector).
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  var button = document.getElementById("start-camera"), video = document.getElementById("camera");
  var input = document.querySelector("#scan-form input[name=card]");
  button.hidden = false;
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({formats: ["qr_code"]});
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}}).then(function (media) {
      video.srcObject = media; video.hidden = false; video.play();
      var timer = setInterval(function () {
        detector.detect(video).then(function (codes) {
          if (!codes.length) { return; }
          clearInterval(timer); media.getTracks().forEach(function (t) { t.stop(); });
          input.value = codes[0].rawValue; document.getElementById("scan-form").submit();
        }).catch(function () {});
      }, 300);
    });
  });
})();
