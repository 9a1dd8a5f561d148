/* Homeward portal: cascading province → city → county selects, and "use my location". No framework. */
(function () {
  "use strict";
  var divisionsUrl = "/portal/divisions/?parent=";

  function clearAfter(select) {
    var next = select.dataset.next && document.getElementById(select.dataset.next);
    if (!next) { return null; }
    while (next.options.length > 1) { next.remove(1); }
    clearAfter(next);
    return next;
  }

  function fill(select) {
    var next = clearAfter(select);
    if (!next || !select.value) { return; }
    fetch(divisionsUrl + encodeURIComponent(select.value), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { divisions: [] }; })
      .then(function (data) {
        data.divisions.forEach(function (d) { next.add(new Option(d.name, d.code)); });
      });
  }

  document.querySelectorAll("select[data-next]").forEach(function (select) {
    select.addEventListener("change", function () { fill(select); });
  });

  if (!("geolocation" in navigator)) { return; }
  document.querySelectorAll("button.locate").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        var lat = pos.coords.latitude.toFixed(4), lon = pos.coords.longitude.toFixed(4);
        var query = "lat=" + lat + "&lon=" + lon;
        if (button.dataset.locate) {
          var target = document.getElementById(button.dataset.target);
          fetch(button.dataset.locate + "?" + query)
            .then(function (r) { return r.text(); })
            .then(function (html) { target.innerHTML = html; });
        } else {
          window.location.search = "?" + query;
        }
      }, function () {
        button.disabled = true;
      }, { maximumAge: 600000, timeout: 15000 });
    });
  });
})();
