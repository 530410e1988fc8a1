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

  // A tier or component: a new row from its <template> (numbered, so every field keeps its
  // own name), dropped again before saving, or an item of the file removed by its checkbox.
  let added = 0;
  function addRow(list) {
    const template = document.getElementById("row-" + list);
    const body = form.querySelector('table.new-rows[data-list="' + list + '"] tbody');
    added += 1;
    body.insertAdjacentHTML("beforeend", template.innerHTML.replaceAll("__N__", String(added)));
    body.lastElementChild.querySelector("input, select").focus();
  }

  form.addEventListener("click", function (event) {
    const add = event.target.closest("button.add-row");
    const drop = event.target.closest("button.drop-row");
    if (add) addRow(add.dataset.list);
    if (drop) drop.closest("tr").remove();
    if (add || drop) edited(event);
  });

  function edited(event) {
    const row = event.target.closest("tr[data-field]");
    if (row) row.classList.add("changed");
    if (event.target.name && event.target.name.startsWith("x:")) {
      const item = event.target.name.slice(2);
      for (const tr of form.querySelectorAll("tr[data-row]")) {
        if (tr.dataset.row === item) tr.classList.toggle("removed", event.target.checked);
      }
    }
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
    if (data.ok && data.reload) {
      // Rows were added or removed: open the page again from the saved file.
      const address = new URL(window.location.href);
      address.searchParams.set("saved", data.draft ? "draft" : "1");
      window.location.replace(address.toString());
    } else if (data.ok) {
      form.elements.base_hash.value = data.hash;
      status.className = data.draft ? "warn" : "good";
      status.textContent = data.message;
    } else if (data.conflict) {
      status.className = "bad";
      status.textContent = data.message;
    } else {
      status.className = "bad";
      show(Object.assign({ caps: {}, verdicts: {}, summary: document.getElementById("summary").innerHTML }, data));
    }
  });
  // The saved message is said once: the address loses ?saved=, so a reload does not repeat it.
  const shown = new URL(window.location.href);
  if (shown.searchParams.has("saved")) {
    shown.searchParams.delete("saved");
    window.history.replaceState(null, "", shown.toString());
  }
  evaluate();
  refreshPreview();
})();
