// Click on a map with class "pick" to fill the nearest latitude/longitude inputs of its form.
(function () {
  "use strict";
  function setup(svg) {
    var form = svg.closest("form") || document;
    var lat = form.querySelector("input[name$='lat']");
    var lon = form.querySelector("input[name$='lon']");
    if (!lat || !lon) { return; }
    var ns = "http://www.w3.org/2000/svg";
    var pin = document.createElementNS(ns, "circle");
    pin.setAttribute("class", "marker picked");
    pin.setAttribute("r", svg.dataset.dot);
    function place(la, lo) {
      var kx = parseFloat(svg.dataset.kx), scale = parseFloat(svg.dataset.scale);
      pin.setAttribute("cx", ((lo - parseFloat(svg.dataset.minLon)) * kx).toFixed(1));
      pin.setAttribute("cy", ((parseFloat(svg.dataset.maxLat) - la) * scale).toFixed(1));
      if (!pin.parentNode) { svg.appendChild(pin); }
    }
    svg.addEventListener("click", function (event) {
      var pt = svg.createSVGPoint();
      pt.x = event.clientX; pt.y = event.clientY;
      var p = pt.matrixTransform(svg.getScreenCTM().inverse());
      var la = parseFloat(svg.dataset.maxLat) - p.y / parseFloat(svg.dataset.scale);
      var lo = parseFloat(svg.dataset.minLon) + p.x / parseFloat(svg.dataset.kx);
      lat.value = la.toFixed(5); lon.value = lo.toFixed(5);
      place(la, lo);
    });
    var locate = form.querySelector("button.locate");
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          lat.value = pos.coords.latitude.toFixed(5); lon.value = pos.coords.longitude.toFixed(5);
          place(pos.coords.latitude, pos.coords.longitude);
        });
      });
    }
    if (lat.value && lon.value) { place(parseFloat(lat.value), parseFloat(lon.value)); }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("svg.map.pick").forEach(setup);
  });
})();
