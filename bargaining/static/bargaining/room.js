/* The live bargaining room: one WebSocket, reconnection with resume, forms sent as frames.
   Without JavaScript (or while offline) the forms post normally. */
(function () {
  "use strict";
  var root = document.getElementById("room");
  if (!root || !window.WebSocket) return;
  var labels = JSON.parse(document.getElementById("room-labels").textContent);
  var caseId = root.dataset.case;
  var lastSeq = parseInt(root.dataset.lastSeq, 10) || 0;
  var seen = {};
  var pending = {}; // client_id -> {frame, form}
  var present = {};
  var watchers = 0;
  var socket = null;
  var ready = false;
  var delay = 1000;
  // Events after which the room's head (round, buttons) and every row may change: the page
  // itself is re-fetched and those parts swapped in. Item events re-fetch only that item.
  var WHOLE_ROOM = ["round.opened", "round.closed", "case.suspended", "case.resumed",
    "case.agreed", "item.added", "representatives.changed", "request.answered",
    "case.updated"];
  var statusEl = document.getElementById("live-status");
  var logEl = document.getElementById("live-log");
  var mySide = root.dataset.side || "";
  var loading = {}; // key -> "busy" | "again": one fetch at a time per key, the last one wins

  function setStatus(state) {
    statusEl.className = "muted " + state;
    statusEl.textContent = labels[state] || state;
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "c" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function text(el, value) { if (el) el.textContent = value; }

  function logLine(frame, body) {
    var li = document.createElement("li");
    var when = frame.at ? new Date(frame.at) : new Date();
    var time = document.createElement("time");
    time.textContent = when.toLocaleTimeString();
    li.appendChild(time);
    if (frame.actor) {
      var who = document.createElement("strong");
      who.textContent = frame.actor.name + " ";
      li.appendChild(who);
    }
    li.appendChild(document.createTextNode(body));
    logEl.insertBefore(li, logEl.firstChild);
    bump("log");
  }

  // Swap a freshly rendered element in, keeping what the user is typing, where the focus
  // is and which details are open: the server's rendering is the state, the inputs are the user's.
  function swap(oldEl, newEl) {
    var kept = {};
    oldEl.querySelectorAll("input[id], textarea[id], select[id]").forEach(function (input) {
      if (input.type !== "hidden" && input.value) kept[input.id] = input.value;
    });
    var focused = document.activeElement && oldEl.contains(document.activeElement) ? document.activeElement.id : "";
    var open = [];
    oldEl.querySelectorAll("details").forEach(function (d, i) { if (d.open) open.push(i); });
    oldEl.replaceWith(newEl);
    Object.keys(kept).forEach(function (id) {
      var input = document.getElementById(id);
      if (input && newEl.contains(input) && input.tagName !== "SELECT") input.value = kept[id];
    });
    var details = newEl.querySelectorAll("details");
    open.forEach(function (i) { if (details[i]) details[i].open = true; });
    if (focused) { var f = document.getElementById(focused); if (f) f.focus(); }
    newEl.querySelectorAll(".offer-form input[name=value]").forEach(checkFloor);
  }

  function parse(html, wrapper) {
    var box = document.createElement(wrapper);
    box.innerHTML = html.trim();
    return box;
  }

  function load(key, url, apply) {
    if (loading[key]) { loading[key] = "again"; return; }
    loading[key] = "busy";
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(apply)
      .catch(function () { var hint = document.getElementById("refresh-hint"); if (hint) hint.hidden = false; })
      .then(function () {
        var again = loading[key] === "again";
        delete loading[key];
        if (again) load(key, url, apply);
      });
  }

  function refreshItem(itemId, flash) {
    // Keep the page's language prefix ("/en"): the fragment must read as the page does.
    var base = location.pathname.slice(0, location.pathname.indexOf("/bargaining/"));
    load("item-" + itemId, base + "/bargaining/" + caseId + "/items/" + itemId + "/", function (html) {
      var fresh = parse(html, "table").querySelector("tbody[data-item]");
      var old = document.getElementById("item-" + itemId);
      if (!fresh || !old) return;
      swap(old, fresh);
      if (flash) fresh.classList.add("flash");
    });
  }

  function refreshRoom() {
    load("room", location.pathname, function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var head = doc.getElementById("room-head"), oldHead = document.getElementById("room-head");
      if (head && oldHead) swap(oldHead, document.importNode(head, true));
      var table = document.querySelector("table.agenda");
      doc.querySelectorAll("tbody[data-item]").forEach(function (fresh) {
        var node = document.importNode(fresh, true);
        var old = document.getElementById(fresh.id);
        if (old) swap(old, node);
        else if (table) table.appendChild(node);
        else { var hint = document.getElementById("refresh-hint"); if (hint) hint.hidden = false; }
      });
    });
  }

  // Warn while typing: the item's legal bound is in the page (data-floor on its row).
  function checkFloor(input) {
    var row = input.closest("tbody[data-item]");
    var note = row && row.querySelector(".floor-warning");
    if (!note || !row.dataset.floor) return;
    var value = parseFloat(String(input.value).replace(",", "."));
    var floor = parseFloat(row.dataset.floor);
    var breaks = !isNaN(value) && (row.dataset.floorDirection === "max" ? value > floor : value < floor);
    note.hidden = !breaks;
    note.textContent = breaks ? row.dataset.floorText : "";
    input.classList.toggle("breaks-floor", breaks);
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches(".offer-form input[name=value]")) checkFloor(event.target);
  });

  // Phones: agenda, chat and log are tabs (desktop shows them side by side; CSS decides).
  var tabs = document.querySelector(".room-tabs");
  var unread = { chat: 0, log: 0 };
  function bump(pane) {
    if (!tabs || root.dataset.pane === pane) return;
    unread[pane] = (unread[pane] || 0) + 1;
    text(tabs.querySelector("[data-count=" + pane + "]"), "(" + unread[pane] + ")");
  }
  if (tabs) {
    tabs.hidden = false;
    root.dataset.pane = "agenda";
    tabs.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-tab]");
      if (!button) return;
      root.dataset.pane = button.dataset.tab;
      unread[button.dataset.tab] = 0;
      text(button.querySelector(".tab-count"), "");
      tabs.querySelectorAll("button[data-tab]").forEach(function (b) {
        b.setAttribute("aria-pressed", b === button ? "true" : "false");
      });
    });
  }

  function onEvent(frame) {
    if (seen[frame.seq]) return;
    seen[frame.seq] = true;
    if (frame.seq > lastSeq) lastSeq = frame.seq;
    var card = frame.item ? document.getElementById("item-" + frame.item) : null;
    if (frame.kind === "chat") {
      var list = document.getElementById(frame.audience === "table" ? "chat-table" : "chat-caucus");
      if (list) {
        var li = document.createElement("li");
        var who = document.createElement("strong");
        who.textContent = (frame.actor ? frame.actor.name : "") + " ";
        li.appendChild(who);
        li.appendChild(document.createTextNode(frame.text));
        list.appendChild(li);
        list.scrollTop = list.scrollHeight;
        bump("chat");
      }
      return;
    }
    if (frame.kind === "offer" && card) {
      logLine(frame, (labels[frame.side] || frame.side) + " · " + card.dataset.title + ": " +
        frame.display + (frame.note ? " (" + frame.note + ")" : "") +
        (frame.breaks_floor ? " ⚠" : ""));
    } else {
      logLine(frame, (labels[frame.kind] || frame.kind) + (card ? " · " + card.dataset.title : ""));
    }
    if (WHOLE_ROOM.indexOf(frame.kind) >= 0) refreshRoom();
    else if (frame.item) refreshItem(frame.item, frame.kind === "offer" && frame.side !== mySide);
  }

  function renderPresence() {
    var names = Object.keys(present).map(function (k) { return present[k]; });
    var line = names.length ? labels.present + " " + names.join("、") : "";
    if (watchers) line += (line ? " · " : "") + labels.watchers.replace("%(n)s", watchers);
    text(document.getElementById("presence"), line);
  }

  // Presence comes whole (at most once a second): the named participants and a count of
  // the members watching an open session.
  function setPresence(frame) {
    present = {};
    (frame.present || []).forEach(function (p) { present[p.user] = p.name; });
    watchers = frame.watchers || 0;
    renderPresence();
  }

  function send(frame) {
    if (socket && ready && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function showError(form, detail) {
    if (form && form.id && document.getElementById(form.id)) form = document.getElementById(form.id);
    var note = form && form.querySelector(".form-error");
    if (form && !note) {
      note = document.createElement("p");
      note.className = "error form-error";
      note.setAttribute("role", "alert");
      form.appendChild(note);
    }
    if (note) note.textContent = detail; else window.alert(detail);
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws/bargaining/" + caseId + "/");
    socket.onmessage = function (message) {
      var frame;
      try { frame = JSON.parse(message.data); } catch (e) { return; }
      if (frame.type === "ready") {
        ready = true;
        delay = 1000;
        setPresence(frame);
        setStatus("live");
        socket.send(JSON.stringify({ type: "resume", after: lastSeq }));
        // Commands sent before a drop are re-sent: the client_id makes them idempotent.
        Object.keys(pending).forEach(function (id) { socket.send(JSON.stringify(pending[id].frame)); });
      } else if (frame.type === "event") {
        onEvent(frame);
      } else if (frame.type === "ack") {
        var done = pending[frame.client_id];
        delete pending[frame.client_id];
        // The form may have been swapped for a fresh rendering since it was sent.
        var sent = done && done.form && (document.getElementById(done.form.id) || done.form);
        if (sent) {
          sent.reset();
          var err = sent.querySelector(".form-error");
          if (err) err.textContent = "";
        }
      } else if (frame.type === "error") {
        var failed = frame.client_id && pending[frame.client_id];
        if (frame.client_id) delete pending[frame.client_id];
        showError(failed ? failed.form : null, frame.detail);
      } else if (frame.type === "presence") {
        setPresence(frame);
      }
    };
    socket.onclose = function (event) {
      ready = false;
      if (event.code === 4404 || event.code === 4401) { setStatus("offline"); return; }
      setStatus("reconnecting");
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 15000);
    };
  }

  function frameFor(form) {
    var kind = form.dataset.frame;
    var data = new FormData(form);
    var frame = { type: kind, client_id: uuid() };
    if (form.dataset.item) frame.item = parseInt(form.dataset.item, 10);
    if (kind === "offer.submit") {
      var raw = data.get("value");
      frame.value = raw === "true" ? true : raw === "false" ? false : raw;
      frame.note = data.get("note") || "";
    } else if (kind === "item.accept") {
      frame.override = data.get("override") || "";
    } else if (kind === "chat.send") {
      frame.room = data.get("room");
      frame.text = data.get("text");
    }
    return frame;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.dataset || !form.dataset.frame) return;
    var frame = frameFor(form);
    if (send(frame)) {
      event.preventDefault();
      pending[frame.client_id] = { frame: frame, form: form };
    }
    // Otherwise the form posts normally.
  });

  setStatus("reconnecting");
  connect();
})();
