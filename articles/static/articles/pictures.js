// The picture upload form: as soon as a file is chosen, the server reads its own caption,
// photographer, credit and copyright (IPTC, XMP, EXIF) and fills the fields the editor left
// empty, or says at once why the file will be refused. A file of its own: the site's
// Content-Security-Policy allows no inline script.
"use strict";

// Loaded in the page's head, with the admin's other scripts: it waits for the form.
document.addEventListener("DOMContentLoaded", function () {
  const form = document.getElementById("picture_form");
  const input = form && form.querySelector("input[type=file][name=image]");
  if (!input) {
    return;
  }
  // The admin turns the browser's own checks off; here they stay on, so that a missing alt
  // text is asked for before the file is sent (a refused form would lose the chosen file).
  form.noValidate = false;
  const FIELDS = ["caption", "creator", "credit", "copyright"];
  const csrfToken = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const metadataUrl = new URL("../metadata/", window.location.href);
  const status = document.createElement("p");
  status.className = "help picture-metadata-status";
  status.setAttribute("role", "status");
  input.after(status);

  input.addEventListener("change", async function () {
    const file = input.files[0];
    if (!file) {
      return;
    }
    status.textContent = "Reading the picture's caption and credit…";
    const data = new FormData();
    data.append("image", file);
    let answer;
    try {
      const response = await fetch(metadataUrl, {
        method: "POST",
        body: data,
        headers: { "X-CSRFToken": csrfToken },
        credentials: "same-origin",
      });
      answer = await response.json();
    } catch (error) {
      status.textContent = "";
      return;  // the server checks the file again when the form is saved
    }
    if (answer.error) {
      status.textContent = answer.error;
      status.classList.add("errornote");
      return;
    }
    status.classList.remove("errornote");
    const filled = [];
    for (const name of FIELDS) {
      const field = form.elements[name];
      if (field && !field.value.trim() && answer[name]) {
        field.value = answer[name];
        filled.push(field.labels[0] ? field.labels[0].textContent.replace(":", "") : name);
      }
    }
    status.textContent = `${answer.width} by ${answer.height} pixels.` +
      (filled.length ? ` Filled from the file: ${filled.join(", ")}.` : "");
  });
});
