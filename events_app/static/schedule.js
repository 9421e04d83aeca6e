// The recurrence builder shows only the fields that apply to the chosen repeat (and end).
// Without this script every field stays visible and the form works the same: the server
// ignores what does not apply.  Hidden fields keep their values, and a field with an error
// message is never hidden.
(function () {
  "use strict";
  document.querySelectorAll("form").forEach(function (form) {
    var parts = form.querySelectorAll("[data-repeat]");
    if (!parts.length) { return; }

    function chosen(name, fallback) {
      var checked = form.querySelector("input[name='" + name + "']:checked");
      return checked ? checked.value : fallback;
    }

    function update() {
      var repeat = chosen("repeat", "none");
      var ends = chosen("ends", "never");
      parts.forEach(function (part) {
        var applies = part.dataset.repeat.split(" ").indexOf(repeat) !== -1;
        if (part.dataset.ends) { applies = applies && part.dataset.ends === ends; }
        var refused = part.querySelector(".field-error");
        part.hidden = !applies && !refused;
      });
    }

    form.addEventListener("change", function (event) {
      var name = event.target && event.target.name;
      if (name === "repeat" || name === "ends") { update(); }
    });
    update();
  });
})();

// A link to a part of the series page (#schedule, #pause, #details …) opens that part.
(function () {
  "use strict";
  function openTarget() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    if (target && target.tagName === "DETAILS") { target.open = true; }
  }
  openTarget();
  window.addEventListener("hashchange", openTarget);
})();
