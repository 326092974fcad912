/* Watching an open session: one read-only WebSocket; new table events are appended, the
   number of members watching is shown; when the chiefs close the session the page says so. */
(function () {
  "use strict";
  var root = document.getElementById("watch");
  if (!root || !window.WebSocket) return;
  var labels = JSON.parse(document.getElementById("watch-labels").textContent);
  var caseId = root.dataset.case;
  var lastSeq = parseInt(root.dataset.lastSeq, 10) || 0;
  var statusEl = document.getElementById("live-status");
  var logEl = document.getElementById("watch-log");
  var delay = 1000;

  function setStatus(key) { statusEl.textContent = labels[key] || key; }

  function who(frame) {
    var actor = frame.actor || {};
    return actor.name || labels[actor.side || frame.side] || "";
  }

  function summary(frame) {
    if (frame.kind === "offer") {
      return labels.offer.replace("%(side)s", labels[frame.side] || "")
        .replace("%(item)s", labels.items[String(frame.item)] || "")
        .replace("%(value)s", frame.display || frame.value || "");
    }
    if (frame.kind === "chat") return frame.text || "";
    return labels[frame.kind] || frame.kind;
  }

  function append(frame) {
    if (frame.seq <= lastSeq) return;
    lastSeq = frame.seq;
    var empty = document.getElementById("watch-empty");
    if (empty) empty.remove();
    var li = document.createElement("li");
    var time = document.createElement("time");
    var at = new Date(frame.at);
    time.textContent = isNaN(at) ? "" : at.toTimeString().slice(0, 5);
    li.appendChild(time);
    var name = who(frame);
    if (name) {
      var strong = document.createElement("strong");
      strong.textContent = " " + name;
      li.appendChild(strong);
    }
    li.appendChild(document.createTextNode(" " + summary(frame)));
    logEl.appendChild(li);
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/bargaining/" + caseId + "/");
    socket.onmessage = function (message) {
      var frame;
      try { frame = JSON.parse(message.data); } catch (e) { return; }
      if (frame.type === "ready") {
        delay = 1000;
        setStatus("live");
        socket.send(JSON.stringify({ type: "resume", after: lastSeq }));
      } else if (frame.type === "event") {
        append(frame);
      }
      if (frame.type === "ready" || frame.type === "presence") {
        document.getElementById("watchers").textContent =
          labels.watchers.replace("%(n)s", frame.watchers || 0);
      }
    };
    socket.onclose = function (event) {
      if (event.code === 4409) { setStatus("closed"); return; }
      if (event.code === 4404 || event.code === 4401) { setStatus("offline"); return; }
      setStatus("reconnecting");
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 15000);
    };
  }
  connect();
})();
