// Disclosure buttons: a button with aria-expanded and aria-controls shows or hides the list it
// controls (the Main menu, Personal settings, a user's tasks). Loaded in <head> without defer:
// it only listens on the document, so a button works from the moment it is on the screen.
// Enter and Space work as on any button; Escape closes what is open and gives focus back to its
// button; a click elsewhere, or moving the focus away, closes it too. Only one is open at a time.
(function () {
  "use strict";
  // Without this script the lists are shown as they are (see nb.css), so nothing is out of reach.
  document.documentElement.classList.add("has-disclosures");

  var SELECTOR = "button[aria-controls][aria-expanded]";

  function panelOf(button) {
    return document.getElementById(button.getAttribute("aria-controls"));
  }

  function isOpen(button) {
    return button.getAttribute("aria-expanded") === "true";
  }

  function setOpen(button, open) {
    var panel = panelOf(button);
    if (!panel) {
      return;
    }
    button.setAttribute("aria-expanded", open ? "true" : "false");
    panel.hidden = !open;
  }

  function openButtons() {
    return Array.prototype.filter.call(document.querySelectorAll(SELECTOR), isOpen);
  }

  function within(button, node) {
    var panel = panelOf(button);
    return !!node && (button.contains(node) || (!!panel && panel.contains(node)));
  }

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest(SELECTOR) : null;
    openButtons().forEach(function (other) {
      if (other !== button && !within(other, event.target)) {
        setOpen(other, false);
      }
    });
    if (button && panelOf(button)) {
      setOpen(button, !isOpen(button));
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" && event.key !== "Esc") {
      return;
    }
    openButtons().forEach(function (button) {
      var focusWasInside = within(button, document.activeElement);
      setOpen(button, false);
      if (focusWasInside) {
        button.focus();
      }
    });
  });

  document.addEventListener("focusout", function (event) {
    // Only when the focus goes somewhere (Tab away); a click is handled above.
    if (!event.relatedTarget) {
      return;
    }
    openButtons().forEach(function (button) {
      if (within(button, event.target) && !within(button, event.relatedTarget)) {
        setOpen(button, false);
      }
    });
  });
})();
