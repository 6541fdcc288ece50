// proofroom client gallery: hearts with a live counter, submit, a full-screen viewer
// (keyboard, swipe, preloading, slideshow) with notes per photo. Plain JS; server text is
// always set with textContent.
(function () {
  "use strict";
  const main = document.querySelector(".client-page");
  if (!main) return;
  const base = main.dataset.base;
  const set = main.dataset.set;
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrf = csrfMeta ? csrfMeta.content : "";
  const locked = main.dataset.locked === "true";
  const tiles = [...document.querySelectorAll("#photos .tile")];
  // The tiles the current filter shows; the viewer steps through these.
  let shown = tiles;
  // The grid is shared by all visitors; this visitor's hearts come from data-hearted.
  const hearted = new Set((main.dataset.hearted || "").split(" ").filter(Boolean));
  // The gallery's extra lists ("Album", "Prints") and this visitor's photos in each.
  let lists = {};
  try { lists = JSON.parse(main.dataset.lists || "{}"); } catch (_) { lists = {}; }
  tiles.forEach((t) => {
    t.dataset.name = t.querySelector("img") ? t.querySelector("img").alt : "";
    t.querySelector(".open").type = "button";
    const h = t.querySelector(".heart");
    if (!h) return;
    h.type = "button";
    h.setAttribute("aria-pressed", String(hearted.has(t.dataset.id)));
    h.setAttribute("aria-label", `Favourite ${t.dataset.name}`);
    if (locked) h.disabled = true;
  });
  const counter = document.getElementById("counter");
  const countEl = document.getElementById("count");
  const submitBtn = document.getElementById("submit");
  const toast = document.getElementById("toast");
  let toastTimer = null;

  function say(message) {
    toast.textContent = message;
    toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { toast.hidden = true; }, 4000);
  }

  // The set travels in the query, where the server's door reads it for every request.
  async function post(path, body) {
    const r = await fetch(`${base}${path}?set=${encodeURIComponent(set)}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, Accept: "application/json" },
      body: JSON.stringify(body),
    });
    let data = null;
    try { data = await r.json(); } catch (_) { /* shown below */ }
    if (!r.ok) throw new Error((data && data.error) || `Something went wrong (HTTP ${r.status}).`);
    return data;
  }

  function updateCount(n) {
    if (!countEl) return;
    countEl.textContent = n;
    const max = counter.dataset.max ? Number(counter.dataset.max) : null;
    counter.classList.toggle("full", max !== null && n >= max);
    if (submitBtn) submitBtn.disabled = n === 0;
    const where = document.querySelector(".client-bar .where .muted");
    if (where && !locked) where.textContent = n > 0 ? "Step 2 of 4: Submit your selection" : "Step 1 of 4: Heart your favourites";
  }

  function heartsFor(id) {
    return document.querySelectorAll(`.tile[data-id="${id}"] .heart, #viewer-heart[data-id="${id}"]`);
  }

  async function toggleHeart(id) {
    if (locked) { say("Your selection is submitted. Ask your photographer to reopen it to make changes."); return; }
    const btn = document.querySelector(`.tile[data-id="${id}"] .heart`);
    const on = btn.getAttribute("aria-pressed") !== "true";
    try {
      const r = await post("/favourite", { photo: id, on });
      heartsFor(id).forEach((b) => b.setAttribute("aria-pressed", String(on)));
      updateCount(r.count);
    } catch (e) {
      say(e.message);
    }
  }

  const listToggles = [...document.querySelectorAll(".list-toggle")];
  function showLists(id) {
    listToggles.forEach((b) => {
      const on = (lists[b.dataset.list] || []).includes(id);
      b.setAttribute("aria-pressed", String(on));
      b.textContent = (on ? "✓ " : "+ ") + b.dataset.list;
      if (locked) b.disabled = true;
    });
    document.querySelectorAll(".list-count").forEach((c) => {
      c.querySelector(".n").textContent = (lists[c.dataset.list] || []).length;
    });
  }
  async function toggleList(b) {
    if (locked) { say("Your selection is submitted. Ask your photographer to reopen it to make changes."); return; }
    const id = shown[index].dataset.id;
    const on = b.getAttribute("aria-pressed") !== "true";
    try {
      const r = await post("/favourite", { photo: id, on, list: b.dataset.list });
      lists = Object.assign(Object.fromEntries(Object.keys(lists).map((k) => [k, []])), r.lists || {});
      showLists(id);
      say(on ? `Added to “${b.dataset.list}”.` : `Taken out of “${b.dataset.list}”.`);
    } catch (e) {
      say(e.message);
    }
  }
  listToggles.forEach((b) => b.addEventListener("click", () => toggleList(b)));

  tiles.forEach((tile) => {
    const heart = tile.querySelector(".heart");
    if (heart) heart.addEventListener("click", () => toggleHeart(tile.dataset.id));
    tile.querySelector(".open").addEventListener("click", () => openViewer(Math.max(0, shown.indexOf(tile))));
  });

  // ---- show all, favourites, or one list ----
  const filters = [...document.querySelectorAll("#filters .filter")];
  function inFilter(tile, f) {
    if (!f) return true;
    if (f === "♥") return tile.querySelector(".heart")?.getAttribute("aria-pressed") === "true";
    return (lists[f] || []).includes(tile.dataset.id);
  }
  function applyFilter(f) {
    filters.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.filter === f)));
    shown = tiles.filter((t) => inFilter(t, f));
    tiles.forEach((t) => { t.hidden = !shown.includes(t); });
    if (f && !shown.length) say("Nothing here yet.");
  }
  filters.forEach((b) => b.addEventListener("click", () => applyFilter(b.dataset.filter)));

  // ---- viewer ----
  const viewer = document.getElementById("viewer");
  const img = document.getElementById("viewer-img");
  const nameEl = document.getElementById("viewer-name");
  const vHeart = document.getElementById("viewer-heart");
  const vDownload = document.getElementById("viewer-download");
  const vPlay = document.getElementById("viewer-play");
  const commentList = document.getElementById("comment-list");
  const commentForm = document.getElementById("comment-form");
  let index = 0, opener = null, playTimer = null;

  function preload(i) {
    const t = shown[(i + shown.length) % shown.length];
    if (t && t.dataset.preview) { const p = new Image(); p.src = t.dataset.preview; }
  }

  function show(i) {
    if (!shown.length) return;
    index = (i + shown.length) % shown.length;
    const t = shown[index];
    img.src = t.dataset.preview || "";
    img.alt = t.dataset.name;
    nameEl.textContent = `${t.dataset.name} · ${index + 1} of ${shown.length}`;
    if (vHeart) {
      vHeart.dataset.id = t.dataset.id;
      const pressed = t.querySelector(".heart").getAttribute("aria-pressed");
      vHeart.setAttribute("aria-pressed", pressed);
    }
    showLists(t.dataset.id);
    if (t.dataset.download) { vDownload.hidden = false; vDownload.href = t.dataset.download; } else { vDownload.hidden = true; }
    preload(index + 1); preload(index - 1);
    loadComments(t.dataset.id);
  }

  function openViewer(i) {
    opener = document.activeElement;
    viewer.hidden = false;
    document.body.style.overflow = "hidden";
    show(i);
    document.getElementById("viewer-close").focus();
  }

  function closeViewer() {
    stopShow();
    viewer.hidden = true;
    document.body.style.overflow = "";
    if (opener) opener.focus();
  }

  function stopShow() { clearInterval(playTimer); playTimer = null; vPlay.setAttribute("aria-pressed", "false"); vPlay.textContent = "▶"; }
  vPlay.addEventListener("click", () => {
    if (playTimer) { stopShow(); return; }
    playTimer = setInterval(() => show(index + 1), 4000);
    vPlay.setAttribute("aria-pressed", "true"); vPlay.textContent = "❚❚";
  });
  document.getElementById("viewer-close").addEventListener("click", closeViewer);
  document.getElementById("viewer-prev").addEventListener("click", () => show(index - 1));
  document.getElementById("viewer-next").addEventListener("click", () => show(index + 1));
  if (vHeart) vHeart.addEventListener("click", () => toggleHeart(vHeart.dataset.id));
  document.addEventListener("keydown", (e) => {
    if (viewer.hidden || e.target.closest("textarea, input")) return;
    if (e.key === "ArrowRight") show(index + 1);
    else if (e.key === "ArrowLeft") show(index - 1);
    else if (e.key === "Escape") closeViewer();
    else if (e.key === "Tab") {
      // Keep focus inside the dialog.
      const f = [...viewer.querySelectorAll("button:not([hidden]), a:not([hidden]), textarea, input")].filter((x) => x.offsetParent !== null);
      if (!f.length) return;
      const first = f[0], last = f[f.length - 1];
      if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
      else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
    }
  });
  let touchX = null;
  img.addEventListener("touchstart", (e) => { touchX = e.touches[0].clientX; }, { passive: true });
  img.addEventListener("touchend", (e) => {
    if (touchX === null) return;
    const dx = e.changedTouches[0].clientX - touchX;
    if (Math.abs(dx) > 40) show(index + (dx < 0 ? 1 : -1));
    touchX = null;
  });

  // ---- notes per photo ----
  async function loadComments(id) {
    if (!commentList) return;
    commentList.replaceChildren();
    try {
      const r = await fetch(`${base}/comments?photo=${encodeURIComponent(id)}&set=${encodeURIComponent(set)}`, { headers: { Accept: "application/json" } });
      const data = await r.json();
      if (shown[index].dataset.id !== id) return;
      data.comments.forEach(addComment);
    } catch (_) { /* notes stay empty; the photo still shows */ }
  }
  function addComment(c) {
    const li = document.createElement("li");
    const by = document.createElement("span"); by.className = "by"; by.textContent = c.by || "You";
    const text = document.createElement("span"); text.textContent = c.text + (c.retouch ? " (retouch request)" : "");
    li.append(by, text);
    commentList.append(li);
  }
  if (commentForm) {
    commentForm.addEventListener("submit", async (e) => {
      e.preventDefault();
      const textEl = document.getElementById("comment-text");
      const retouch = document.getElementById("comment-retouch");
      try {
        const c = await post("/comments", { photo: shown[index].dataset.id, text: textEl.value, retouch: retouch.checked });
        addComment({ by: "You", text: c.text, retouch: c.retouch });
        textEl.value = ""; retouch.checked = false;
        say("Thank you, your note was sent.");
      } catch (err) {
        say(err.message);
      }
    });
  }
})();
