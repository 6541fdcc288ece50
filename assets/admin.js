// proofroom admin: uploads with per-file and total progress, live processing status, and
// drag-to-reorder on the gallery page. Plain JS, no build step; every string from the server
// is set with textContent so nothing a user typed can run as code.
(function () {
  "use strict";
  // Photo page: a click on the photo marks the cover's focus point (what stays in view
  // when the cover is cropped to a screen).
  const stageImg = document.getElementById("stage-img");
  const mark = document.getElementById("focus-mark");
  if (stageImg && mark && document.getElementById("cover-form")) {
    stageImg.style.cursor = "crosshair";
    stageImg.addEventListener("click", (e) => {
      const r = stageImg.getBoundingClientRect();
      const x = Math.round(Math.min(100, Math.max(0, ((e.clientX - r.left) / r.width) * 100)));
      const y = Math.round(Math.min(100, Math.max(0, ((e.clientY - r.top) / r.height) * 100)));
      document.getElementById("focus-x").value = x;
      document.getElementById("focus-y").value = y;
      mark.hidden = false;
      mark.style.left = `${e.clientX - stageImg.parentElement.getBoundingClientRect().left}px`;
      mark.style.top = `${e.clientY - stageImg.parentElement.getBoundingClientRect().top}px`;
    });
  }
  // Photo page: the arrow keys step through the gallery.
  document.addEventListener("keydown", (e) => {
    if (e.target.closest("input, select, textarea") || e.altKey || e.ctrlKey || e.metaKey) return;
    const rel = { ArrowLeft: "prev", ArrowRight: "next" }[e.key];
    const link = rel && document.querySelector(`.stage a[rel="${rel}"]`);
    if (link) link.click();
  });
  const uploader = document.querySelector(".uploader[data-gallery]");
  if (!uploader) return;
  const gallery = uploader.dataset.gallery;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const grid = document.getElementById("grid");
  const template = document.getElementById("card-template");
  const input = document.getElementById("files");
  const dropzone = document.getElementById("dropzone");
  const markFinal = document.getElementById("mark-final");
  const statusBox = document.getElementById("upload-status");
  const queueList = document.getElementById("upload-queue");
  const totalBar = document.getElementById("upload-total");
  const totalLabel = document.getElementById("upload-total-label");
  const PARALLEL = 3;

  const queue = [];
  let active = 0, totalBytes = 0, doneBytes = 0, finished = 0, failed = 0, count = 0;
  const inflight = new Map();

  function addFiles(files) {
    if (!files.length) return;
    statusBox.hidden = false;
    for (const file of files) {
      const li = document.createElement("li");
      const name = document.createElement("span"); name.className = "fname"; name.textContent = file.name;
      const bar = document.createElement("progress"); bar.max = 100; bar.value = 0;
      const msg = document.createElement("span"); msg.className = "msg"; msg.textContent = "Waiting…";
      li.append(name, bar, msg);
      queueList.append(li);
      queue.push({ file, li, bar, msg });
      totalBytes += file.size; count++;
    }
    updateTotal();
    pump();
  }

  function updateTotal() {
    let sent = doneBytes;
    for (const v of inflight.values()) sent += v;
    totalBar.value = totalBytes ? Math.round((sent / totalBytes) * 100) : 0;
    const left = count - finished - failed;
    totalLabel.textContent = left > 0
      ? `Uploading ${finished + failed + 1 > count ? count : finished + failed + 1} of ${count}…`
      : `${finished} uploaded` + (failed ? `, ${failed} refused` : "");
  }

  function pump() {
    while (active < PARALLEL && queue.length) send(queue.shift());
  }

  function send(item) {
    active++;
    const xhr = new XMLHttpRequest();
    const form = new FormData();
    form.append("file", item.file, item.file.name);
    xhr.open("POST", `/admin/galleries/${gallery}/photos?final=${markFinal.checked}`);
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.setRequestHeader("Accept", "application/json");
    item.msg.textContent = "Uploading…";
    xhr.upload.onprogress = (e) => {
      if (!e.lengthComputable) return;
      item.bar.value = Math.round((e.loaded / e.total) * 100);
      inflight.set(item, Math.min(item.file.size, e.loaded));
      updateTotal();
    };
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (_) { /* not JSON: shown below */ }
      if (xhr.status >= 200 && xhr.status < 300 && body) {
        const up = body.uploaded && body.uploaded[0];
        item.li.className = "done"; item.bar.value = 100;
        item.msg.textContent = up && up.replaced ? "Replaced ✓" : "Uploaded ✓";
        finished++;
        if (up) upsertCard(up.photo);
      } else {
        fail(item, body && body.error ? body.error : `Upload failed (HTTP ${xhr.status})`);
      }
      finish(item);
    };
    xhr.onerror = () => { fail(item, "The connection was lost. Try this file again."); finish(item); };
    xhr.send(form);
  }

  function fail(item, message) {
    item.li.className = "error"; item.msg.textContent = message; failed++;
  }

  function finish(item) {
    inflight.delete(item);
    doneBytes += item.file.size;
    active--;
    updateTotal();
    pump();
    schedulePoll(300);
  }

  input.addEventListener("change", () => { addFiles([...input.files]); input.value = ""; });
  ["dragenter", "dragover"].forEach((t) => dropzone.addEventListener(t, (e) => {
    if (e.dataTransfer && [...e.dataTransfer.types].includes("Files")) { e.preventDefault(); dropzone.classList.add("over"); }
  }));
  ["dragleave", "drop"].forEach((t) => dropzone.addEventListener(t, () => dropzone.classList.remove("over")));
  dropzone.addEventListener("drop", (e) => { e.preventDefault(); addFiles([...e.dataTransfer.files]); });
  // Dropping files anywhere on the page should upload, not navigate away to the file.
  window.addEventListener("dragover", (e) => { if ([...e.dataTransfer.types].includes("Files")) e.preventDefault(); });
  window.addEventListener("drop", (e) => { if ([...e.dataTransfer.types].includes("Files")) { e.preventDefault(); addFiles([...e.dataTransfer.files]); } });

  // ---- cards and live status ----
  function statusText(p) {
    if (p.status === "ready") return p.width && p.height ? `${p.width} × ${p.height}` : "Ready";
    if (p.status === "failed") return `Failed: ${p.error || "unknown reason"}`;
    return "Processing…";
  }
  const stateLabel = { proof: "Proof", final: "Final", undefined: "Unset" };

  function upsertCard(p) {
    let card = grid.querySelector(`[data-id="${p.id}"]`);
    if (!card) {
      card = template.content.firstElementChild.cloneNode(true);
      card.dataset.id = p.id;
      grid.append(card);
      const empty = document.getElementById("empty-grid");
      if (empty) empty.remove();
    }
    const link = card.querySelector(".thumb");
    link.href = `/admin/photos/${p.id}`;
    card.dataset.status = p.status;
    const badge = card.querySelector(".badge");
    badge.dataset.state = p.state; badge.textContent = stateLabel[p.state] || p.state;
    const name = card.querySelector(".name");
    name.textContent = p.filename; name.title = p.filename;
    card.querySelector(".status").textContent = statusText(p);
    const img = link.querySelector("img");
    if (p.thumb_url && (!img || img.getAttribute("src") !== p.thumb_url)) {
      const fresh = document.createElement("img");
      fresh.src = p.thumb_url; fresh.alt = p.filename; fresh.loading = "lazy";
      if (p.thumb_width) { fresh.width = p.thumb_width; fresh.height = p.thumb_height; }
      link.replaceChildren(fresh);
    }
  }

  let pollTimer = null;
  function schedulePoll(ms) {
    if (pollTimer) return;
    pollTimer = setTimeout(poll, ms);
  }
  async function poll() {
    pollTimer = null;
    try {
      const r = await fetch(`/admin/galleries/${gallery}/photos.json`, { headers: { Accept: "application/json" } });
      if (!r.ok) throw new Error(r.status);
      const { photos } = await r.json();
      photos.forEach(upsertCard);
      const ready = photos.filter((p) => p.status === "ready").length;
      const summary = document.getElementById("summary");
      if (summary) summary.textContent = `${photos.length} ${photos.length === 1 ? "photo" : "photos"} · ${ready} ready`;
      if (photos.some((p) => p.status === "pending") || active || queue.length) schedulePoll(1200);
    } catch (_) {
      schedulePoll(4000);
    }
  }
  if (grid.querySelector('[data-status="pending"]')) schedulePoll(800);

  // ---- drag to reorder ----
  let dragged = null;
  grid.addEventListener("dragstart", (e) => {
    const card = e.target.closest(".card.photo");
    if (!card) return;
    dragged = card; card.classList.add("dragging");
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", card.dataset.id);
  });
  grid.addEventListener("dragover", (e) => {
    if (!dragged) return;
    e.preventDefault();
    const over = e.target.closest(".card.photo");
    grid.querySelectorAll(".drop-before").forEach((c) => c.classList.remove("drop-before"));
    if (over && over !== dragged) over.classList.add("drop-before");
  });
  grid.addEventListener("drop", async (e) => {
    if (!dragged) return;
    e.preventDefault();
    const over = e.target.closest(".card.photo");
    if (over && over !== dragged) grid.insertBefore(dragged, over);
    else if (!over) grid.append(dragged);
    const order = [...grid.querySelectorAll(".card.photo")].map((c) => c.dataset.id);
    await fetch(`/admin/galleries/${gallery}/order`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ order }),
    });
  });
  grid.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    grid.querySelectorAll(".drop-before").forEach((c) => c.classList.remove("drop-before"));
    dragged = null;
  });
})();

// Branding: the colour picker writes its choice into the accent field (which is what is sent).
(() => {
  const pick = document.getElementById('accent-pick');
  const field = document.getElementById('accent');
  if (pick && field) pick.addEventListener('input', () => { field.value = pick.value; });
})();

// Pickers (`views::picker`): a search box that suggests galleries (and presets) from
// /admin/pick as one types, and writes the choice into the hidden field the form sends.
// A combobox in the ARIA sense: arrows move, Enter chooses, Escape closes.
document.querySelectorAll(".picker").forEach((box) => {
  const field = box.querySelector("input[type=hidden]");
  const input = box.querySelector("input[type=search]");
  const list = box.querySelector("[role=listbox]");
  const blank = box.dataset.blank;
  let items = [], active = -1, timer = null, asked = 0;
  const close = () => { list.hidden = true; input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); };
  const render = () => {
    list.replaceChildren(...items.map((it, i) => {
      const li = document.createElement("li");
      li.id = `${list.id}-${i}`;
      li.setAttribute("role", "option");
      li.dataset.i = i;
      li.setAttribute("aria-selected", i === active ? "true" : "false");
      const strong = document.createElement("strong");
      strong.textContent = it.label;
      li.append(strong);
      if (it.hint) { const s = document.createElement("span"); s.className = "muted"; s.textContent = ` · ${it.hint}`; li.append(s); }
      return li;
    }));
    if (!items.length) { const li = document.createElement("li"); li.className = "muted"; li.textContent = "No gallery matches"; list.append(li); }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    if (active >= 0) input.setAttribute("aria-activedescendant", `${list.id}-${active}`);
  };
  const load = async () => {
    const ask = ++asked;
    const words = input.value.trim();
    const q = new URLSearchParams({ q: words === blank ? "" : words, for: box.dataset.for || "gallery" });
    if (box.dataset.not) q.set("not", box.dataset.not);
    try {
      const r = await fetch(`/admin/pick?${q}`, { headers: { accept: "application/json" } });
      if (!r.ok || ask !== asked) return;
      items = await r.json();
    } catch (_) { return; }
    if (blank && (!words || words === blank)) items.unshift({ value: "", label: blank, hint: "" });
    active = items.length ? 0 : -1;
    render();
  };
  const choose = (i) => {
    const it = items[i];
    if (!it) return;
    field.value = it.value;
    input.value = it.label;
    close();
    field.dispatchEvent(new Event("change", { bubbles: true }));
  };
  input.addEventListener("focus", () => { input.select(); load(); });
  input.addEventListener("input", () => {
    if (!input.value.trim() && blank !== undefined) field.value = "";
    clearTimeout(timer);
    timer = setTimeout(load, 120);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (list.hidden) { load(); return; }
      const n = items.length;
      if (n) { active = (active + (e.key === "ArrowDown" ? 1 : n - 1)) % n; render(); }
    } else if (e.key === "Enter" && !list.hidden) {
      e.preventDefault();
      choose(active);
    } else if (e.key === "Escape") {
      close();
    }
  });
  list.addEventListener("mousedown", (e) => {
    const li = e.target.closest("[role=option]");
    if (li) { e.preventDefault(); choose(Number(li.dataset.i)); }
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
});
