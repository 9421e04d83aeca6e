// Attendance with one tap per person: saved in the background, visible when it fails,
// retried when the connection returns. Without this script every tap is an ordinary form post.
(function () {
  "use strict";
  var list = document.querySelector("ul.attendance");
  if (!list || !window.fetch) { return; }
  var status = document.getElementById("attendance-status");
  var pending = {}; // person id -> form still to save

  function announce(text) { if (status) { status.textContent = text; } }

  function show(person, value, note, failed) {
    person.dataset.state = value;
    person.classList.toggle("is-failed", Boolean(failed));
    person.querySelectorAll("button.tap").forEach(function (button) {
      var mine = button.classList.contains("tap-" + value);
      button.setAttribute("aria-pressed", mine ? "true" : "false");
    });
    person.querySelector(".save-state").textContent = note;
    ["yes", "no"].forEach(function (kind) {
      var counter = document.querySelector('[data-count="' + (kind === "yes" ? "present" : "absent") + '"]');
      if (counter) { counter.textContent = list.querySelectorAll('li[data-state="' + kind + '"]').length; }
    });
  }

  function save(form) {
    var person = form.closest("li.person");
    var value = form.querySelector('input[name="attended"]').value;
    var name = person.querySelector(".person-name").textContent;
    show(person, value, "", false);
    return fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          throw new Error(body.detail || list.dataset.failed);
        });
      }
      delete pending[person.id];
      show(person, value, list.dataset.saved, false);
      announce(name + ": " + list.dataset.saved);
    }).catch(function (error) {
      var offline = navigator.onLine === false || error instanceof TypeError;
      pending[person.id] = form;
      var note = offline ? list.dataset.offline : (error.message || list.dataset.failed);
      show(person, value, note, true);
      announce(name + ": " + note);
    });
  }

  list.addEventListener("submit", function (event) {
    var form = event.target.closest("form.tap-form");
    if (!form) { return; }
    event.preventDefault();
    save(form);
  });

  window.addEventListener("online", function () {
    Object.keys(pending).forEach(function (id) { save(pending[id]); });
  });
})();
