// Tells the user, on the login screen, when the browser has lost its network connection,
// and keeps the form from being sent into the void.
(function () {
  "use strict";
  var warning = document.getElementById("offline-warning");
  if (!warning) {
    return;
  }
  function showConnectionState() {
    warning.hidden = navigator.onLine;
  }
  window.addEventListener("online", showConnectionState);
  window.addEventListener("offline", showConnectionState);
  document.querySelectorAll("form[data-needs-network]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!navigator.onLine) {
        event.preventDefault();
        showConnectionState();
      }
    });
  });
  showConnectionState();
})();
