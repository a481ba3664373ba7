// The live password strength indicator. The server rates each value with the same estimator
// its password policy uses, so what the indicator says is what the server will decide.
(function () {
  "use strict";
  var form = document.querySelector("form[data-password-form]");
  if (!form) {
    return;
  }
  var password = form.querySelector("input[name=password]");
  var meter = document.getElementById("strength-meter");
  var status = document.getElementById("strength");
  var csrfToken = form.querySelector("input[name=csrf_token]").value;
  var latestRequest = 0;

  function show(score, text) {
    meter.value = score;
    status.textContent = "Password strength: " + text;
  }

  function rate() {
    var requestNumber = ++latestRequest;
    if (password.value === "") {
      show(0, "not rated yet");
      return;
    }
    fetch("/password-strength", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken },
      body: JSON.stringify({ password: password.value })
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (rating) {
        // Answers can overtake each other; only the one for the latest keystroke counts.
        if (rating && requestNumber === latestRequest) {
          show(rating.score, rating.label);
        }
      })
      .catch(function () {
        if (requestNumber === latestRequest) {
          show(0, "cannot be rated right now");
        }
      });
  }

  password.addEventListener("input", rate);
})();
