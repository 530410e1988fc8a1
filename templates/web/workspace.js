// The workspace page: after each edit, ask the server what the values mean (check, caps,
// diff) and for the letter's HTML preview; save and show a refusal or a conflict. Every value
// is judged on the server, by the same loaders and validators as the command line.
"use strict";
(function () {
  const form = document.getElementById("version");
  if (!form) return;
  const status = document.getElementById("status");
  const preview = document.getElementById("preview");
  let timer = null;
  let previewTimer = null;
  let serial = 0;

  function body() {
    return new URLSearchParams(new FormData(form));
  }

  function post(url) {
    return fetch(url, {
      method: "POST",
      body: body(),
      headers: { "X-CSRF-Token": form.elements.csrf.value },
      credentials: "same-origin",
    });
  }

  function show(data) {
    document.getElementById("summary").innerHTML = data.summary || "";
    for (const cell of form.querySelectorAll("[data-error-for]")) {
      const errors = data.errors[cell.dataset.errorFor] || [];
      cell.textContent = errors.join("；");
    }
    document.getElementById("errors-").textContent = (data.errors[""] || []).join("；");
    for (const cell of form.querySelectorAll("[data-cap-for]")) {
      const cap = data.caps[cell.dataset.capFor];
      cell.className = "cap" + (cap ? " " + cap[0] : "");
      cell.textContent = cap ? cap[1] : "";
    }
    for (const cell of form.querySelectorAll("[data-verdict-for]")) {
      cell.textContent = "";
      for (const [verdict, words] of data.verdicts[cell.dataset.verdictFor] || []) {
        const span = document.createElement("div");
        span.className = verdict;
        span.textContent = words;
        cell.appendChild(span);
      }
    }
    form.dataset.state = data.ok ? "ok" : "bad";
    form.dataset.serial = String(serial);
  }

  async function evaluate() {
    const mine = ++serial;
    const response = await post("/api/evaluate");
    if (mine !== serial) return; // a later edit's answer wins
    if (response.ok) show(await response.json());
  }

  async function refreshPreview() {
    const response = await post("/api/preview");
    if (response.ok) preview.srcdoc = await response.text();
  }

  function edited(event) {
    const row = event.target.closest("tr[data-field]");
    if (row) row.classList.add("changed");
    status.textContent = "";
    clearTimeout(timer);
    clearTimeout(previewTimer);
    timer = setTimeout(evaluate, 150);
    previewTimer = setTimeout(refreshPreview, 600);
  }

  form.addEventListener("input", edited);
  form.addEventListener("change", edited);
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const response = await post("/save");
    const data = await response.json();
    if (data.ok) {
      form.elements.base_hash.value = data.hash;
      status.className = "good";
      status.textContent = data.message;
    } else if (data.conflict) {
      status.className = "bad";
      status.textContent = data.message;
    } else {
      status.className = "bad";
      show(Object.assign({ caps: {}, verdicts: {}, summary: document.getElementById("summary").innerHTML }, data));
    }
  });
  evaluate();
  refreshPreview();
})();
