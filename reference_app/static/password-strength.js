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
  // A page in another language or on other paths says where to ask and how to say it.
  var ratingUrl = form.dataset.strengthUrl || "/password-strength";
  var prefix = status.dataset.prefix || "Password strength: ";
  var notRated = status.dataset.notRated || "not rated yet";
  var unavailable = status.dataset.unavailable || "cannot be rated right now";
  var latestRequest = 0;

  function show(score, text) {
    meter.value = score;
    status.textContent = prefix + text;
  }

  function rate() {
    var requestNumber = ++latestRequest;
    if (password.value === "") {
      show(0, notRated);
      return;
    }
    fetch(ratingUrl, {
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
          show(0, unavailable);
        }
      });
  }

  password.addEventListener("input", rate);
})();
