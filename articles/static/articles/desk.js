// The story form at the editor's desk: who else is here, a warning before leaving unsaved
// changes, an autosave of the text, and a preview of the unsaved text. A file of its own:
// the site's Content-Security-Policy allows no inline script.
"use strict";

(function () {
  const desk = document.getElementById("newsroom-desk");
  const form = document.getElementById("article_form");
  if (!desk || !form) {
    return;
  }
  const AUTOSAVED = ["headline", "slug", "deck", "byline", "body", "lead_picture_caption"];
  const AUTOSAVE_EVERY_MS = 5000;
  const csrfToken = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const loadedVersionInput = form.querySelector("input[name=loaded_version]");
  let submitting = false;
  let snapshot = null;

  function formState(names) {
    const data = new FormData(form);
    data.delete("csrfmiddlewaretoken");
    const pairs = [];
    for (const [name, value] of data.entries()) {
      if (!names || names.includes(name)) {
        pairs.push([name, typeof value === "string" ? value : value.name]);
      }
    }
    return JSON.stringify(pairs);
  }

  function isDirty() {
    if (desk.dataset.unsaved) {
      return true;  // the form shows text a refused save sent back
    }
    return snapshot !== null && formState() !== snapshot;
  }

  function loadedVersion() {
    return loadedVersionInput ? loadedVersionInput.value : desk.dataset.version;
  }

  function post(url, fields) {
    const body = new FormData();
    body.append("csrfmiddlewaretoken", csrfToken);
    for (const [name, value] of Object.entries(fields)) {
      body.append(name, value);
    }
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken },
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    });
  }

  // Leaving with unsaved changes asks first; saving (any submit button) does not.
  form.addEventListener("submit", function () {
    submitting = true;
  });
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && isDirty()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // Who else has the story open, and whether someone saved it since this form was loaded.
  const others = document.getElementById("desk-others");
  const saved = document.getElementById("desk-saved");
  function showPresence(answer) {
    others.hidden = answer.others.length === 0;
    others.textContent = answer.others.length
      ? "Also editing this story now: " + answer.others.join(", ") + "."
      : "";
    if (answer.saved) {
      document.getElementById("desk-saved-text").textContent =
        answer.saved.by + " saved this story (version " + answer.saved.version + ")" +
        (answer.saved.at ? " at " + answer.saved.at : "") + ".";
      document.getElementById("desk-saved-link").href = answer.saved.changes_url;
      saved.hidden = false;
    }
  }
  function beat() {
    post(desk.dataset.presenceUrl, { version: loadedVersion() })
      .then(showPresence)
      .catch(function () {});  // a missed beat is retried by the next one
  }
  window.addEventListener("pagehide", function () {
    if (!desk.dataset.presenceUrl) {
      return;
    }
    const body = new FormData();
    body.append("csrfmiddlewaretoken", csrfToken);
    body.append("leaving", "1");
    navigator.sendBeacon(desk.dataset.presenceUrl, body);
  });

  // The text is kept on the server as the editor types, for them alone.
  const status = document.getElementById("desk-autosave-status");
  let lastAutosaved = null;
  function autosave() {
    const text = formState(AUTOSAVED);
    if (submitting || !isDirty() || text === lastAutosaved) {
      return;
    }
    const fields = { loaded_version: loadedVersion() };
    for (const name of AUTOSAVED) {
      const field = form.elements.namedItem(name);
      if (field) {
        fields[name] = field.value;
      }
    }
    post(desk.dataset.autosaveUrl, fields)
      .then(function (answer) {
        lastAutosaved = text;
        status.textContent = "Unsaved changes kept for you at " + answer.saved + ".";
      })
      .catch(function () {
        status.textContent = "Your changes could not be kept just now; save the story.";
      });
  }

  // An autosave left by a crash or a closed tab, offered back.
  const offer = document.getElementById("desk-autosave-offer");
  if (offer) {
    document.getElementById("desk-autosave-restore").addEventListener("click", function () {
      const fields = JSON.parse(document.getElementById("desk-autosave-fields").textContent);
      for (const [name, value] of Object.entries(fields)) {
        const field = form.elements.namedItem(name);
        if (field) {
          field.value = value;
        }
      }
      // Saved from the version the edit started at, so that saves made since are shown to
      // merge rather than overwritten.
      const base = document.getElementById("desk-autosave-base").textContent;
      if (loadedVersionInput && base) {
        loadedVersionInput.value = base;
      }
      offer.hidden = true;
    });
    document.getElementById("desk-autosave-discard").addEventListener("click", function () {
      post(desk.dataset.autosaveUrl, { discard: "1" }).then(function () {
        offer.hidden = true;
      });
    });
  }

  // Preview posts the form as it is now to the preview page, in a new tab; nothing is saved.
  const preview = document.getElementById("desk-preview");
  preview.hidden = !desk.dataset.previewUrl;
  function setOrRemove(name, value) {
    if (value === null) {
      form.removeAttribute(name);
    } else {
      form.setAttribute(name, value);
    }
  }
  preview.addEventListener("click", function () {
    const action = form.getAttribute("action");
    const target = form.getAttribute("target");
    form.setAttribute("action", desk.dataset.previewUrl);
    form.setAttribute("target", "_blank");
    form.submit();
    setOrRemove("action", action);
    setOrRemove("target", target);
  });

  window.addEventListener("load", function () {
    // The admin's own scripts (prepopulated slugs, autocompletes) have settled by now.
    snapshot = formState();
    if (desk.dataset.presenceUrl) {
      beat();
      window.setInterval(beat, Number(desk.dataset.heartbeatMs));
    }
    if (desk.dataset.autosaveUrl) {
      window.setInterval(autosave, AUTOSAVE_EVERY_MS);
    }
  });
})();
