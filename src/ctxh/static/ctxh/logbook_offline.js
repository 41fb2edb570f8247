// ctxh: the logbook's add-entry form keeps an unsent entry on the device.
//
// The form (<form data-offline-form data-placement="…">) is sent with fetch. When the
// network is down (fetch fails, or the browser says it is offline) the entry is stored in
// localStorage and sent again on the "online" event and on the next page load. Each entry
// carries a client_id (a UUID made here) so a re-sent entry is never written twice: the
// server answers with the entry it already has. Refused entries (400) are dropped from the
// device and their errors shown. Messages come from the form's data-msg-* attributes.
(function () {
  "use strict";

  var form = document.querySelector("form[data-offline-form]");
  if (!form || !window.fetch || !window.localStorage) return;

  var key = "ctxh.logbook.pending." + form.getAttribute("data-placement");
  var status = form.querySelector("[data-offline-status]");
  var idField = form.querySelector("input[name=client_id]");
  var sending = false;

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function pending() {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }

  function store(list) {
    if (list.length) localStorage.setItem(key, JSON.stringify(list));
    else localStorage.removeItem(key);
  }

  function say(text, kind) {
    if (!status) return;
    status.className = "small mt-2 " + (kind === "error" ? "text-danger" : kind === "ok" ? "text-success" : "text-warning-emphasis");
    status.textContent = text;
  }

  function showPending() {
    var list = pending();
    if (!list.length) return;
    var lines = list.map(function (e) { return e.fields.date + " · " + e.fields.hours + " h"; });
    say(form.getAttribute("data-msg-pending") + " " + lines.join(", "));
  }

  function fieldsOf() {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken") data[name] = value;
    });
    return data;
  }

  function post(fields) {
    // The CSRF token of the page being shown (a stored entry's token may be stale).
    var body = new FormData();
    Object.keys(fields).forEach(function (name) { body.append(name, fields[name]); });
    body.append("csrfmiddlewaretoken", form.querySelector("input[name=csrfmiddlewaretoken]").value);
    return fetch(form.getAttribute("action") || window.location.pathname, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-Requested-With": "fetch" }
    });
  }

  function errorsText(errors) {
    return Object.keys(errors || {}).map(function (k) { return errors[k].join(" "); }).join(" ");
  }

  function showErrors(errors) {
    form.querySelectorAll(".is-invalid").forEach(function (el) { el.classList.remove("is-invalid"); });
    form.querySelectorAll("[data-js-error]").forEach(function (el) { el.remove(); });
    Object.keys(errors || {}).forEach(function (name) {
      var input = form.querySelector("[name=" + name + "]");
      var div = document.createElement("div");
      div.setAttribute("data-js-error", "");
      div.className = "invalid-feedback d-block";
      div.textContent = errors[name].join(" ");
      if (input && input.type !== "hidden") {
        input.classList.add("is-invalid");
        input.insertAdjacentElement("afterend", div);
      } else {
        div.className = "alert alert-danger small";
        form.insertAdjacentElement("afterbegin", div);
      }
    });
  }

  // Send what waits on the device, one at a time; stop at the first network failure.
  function flush() {
    if (sending || !navigator.onLine) return Promise.resolve();
    var list = pending();
    if (!list.length) return Promise.resolve();
    sending = true;
    say(form.getAttribute("data-msg-sending"));
    var sent = 0;
    var rejected = [];
    function next() {
      var list = pending();
      if (!list.length) return Promise.resolve();
      var entry = list[0];
      return post(entry.fields).then(function (response) {
        if (response.status === 400) {
          return response.json().then(function (data) {
            rejected.push(entry.fields.date + ": " + errorsText(data.errors));
            store(pending().slice(1));
            return next();
          });
        }
        if (!response.ok) throw new Error("HTTP " + response.status);
        store(pending().slice(1));
        sent += 1;
        return next();
      });
    }
    return next().then(function () {
      sending = false;
      if (rejected.length) {
        say(form.getAttribute("data-msg-rejected") + " " + rejected.join(" · "), "error");
      } else if (sent) {
        window.location.reload();
      }
    }, function () {
      sending = false;
      showPending();
    });
  }

  function keepOnDevice(fields) {
    var list = pending();
    if (!list.some(function (e) { return e.fields.client_id === fields.client_id; })) {
      list.push({ fields: fields, saved: new Date().toISOString() });
      store(list);
    }
    form.reset();
    idField.value = uuid();
    say(form.getAttribute("data-msg-saved"));
  }

  if (idField && !idField.value) idField.value = uuid();

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!idField.value) idField.value = uuid();
    var fields = fieldsOf();
    if (event.submitter && event.submitter.name) fields[event.submitter.name] = event.submitter.value;
    if (!navigator.onLine) { keepOnDevice(fields); return; }
    post(fields).then(function (response) {
      if (response.status === 400) {
        return response.json().then(function (data) { showErrors(data.errors); });
      }
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json().then(function () {
        say(form.getAttribute("data-msg-sent"), "ok");
        window.location.reload();
      });
    }).catch(function () { keepOnDevice(fields); });
  });

  window.addEventListener("online", flush);
  showPending();
  flush();
})();
