// proofroom client gallery: hearts with a live counter, submit, a full-screen viewer
// (keyboard, swipe, preloading, slideshow) with notes per photo. Plain JS; server text is
// always set with textContent.
(function () {
  "use strict";
  // The cover: its thumb painted first, the size that fits the screen swapped in once it
  // has loaded (the 1,024 px one on most phones, the 2,048 px preview on large screens).
  const hero = document.querySelector(".hero-img[data-full]");
  if (hero && hero.getAttribute("src") !== hero.dataset.full) {
    const full = new Image();
    if (hero.dataset.srcset) {
      full.sizes = hero.dataset.sizes;
      full.srcset = hero.dataset.srcset;
      full.onload = () => { hero.sizes = full.sizes; hero.srcset = full.srcset; };
    } else {
      full.onload = () => { hero.src = full.src; };
    }
    full.src = hero.dataset.full;
  }

  // The crop frame on a photo's order page: the print's shape on the preview, moved by
  // dragging (or the arrow keys) and resized by its corner. Its place goes with the form in
  // ten-thousandths of the photo; without the script the print is simply centred.
  const stage = document.getElementById("crop-stage");
  if (stage) {
    const frame = document.getElementById("crop-frame");
    const handle = document.getElementById("crop-handle");
    const input = document.getElementById("crop");
    const help = document.getElementById("crop-help");
    const pw = Number(stage.dataset.photoW), ph = Number(stage.dataset.photoH);
    let turned = false, box = null;
    const chosenAspect = () => {
      const r = document.querySelector('input[name="product"]:checked');
      return r && r.dataset.aspect ? Number(r.dataset.aspect) : null;
    };
    // The frame's width over height in pixels: the print's shape, turned to the photo's.
    const pixelAspect = (a) => {
      let r = (a >= 1) === (pw >= ph) ? a : 1 / a;
      return turned ? 1 / r : r;
    };
    const clamp = (v, lo, hi) => Math.min(Math.max(v, lo), hi);
    function write() {
      frame.style.left = `${box.x * 100}%`; frame.style.top = `${box.y * 100}%`;
      frame.style.width = `${box.w * 100}%`; frame.style.height = `${box.h * 100}%`;
      const u = (v) => Math.floor(v * 10000);
      input.value = [u(box.x), u(box.y), u(box.w), u(box.h)].join(",");
    }
    function reset() {
      const a = chosenAspect();
      frame.hidden = help.hidden = !a;
      if (!a) { input.value = ""; box = null; return; }
      const r = pixelAspect(a);
      // The largest frame of that shape, centred.
      let w = 1, h = (pw / r) / ph;
      if (h > 1) { h = 1; w = (ph * r) / pw; }
      box = { x: (1 - w) / 2, y: (1 - h) / 2, w, h, r };
      write();
    }
    let drag = null;
    frame.addEventListener("pointerdown", (e) => {
      e.preventDefault();
      // Keep the drag when the finger leaves the frame (not every pointer can be captured).
      try { frame.setPointerCapture(e.pointerId); } catch (_) { /* the frame still follows */ }
      drag = { resize: e.target === handle, sx: e.clientX, sy: e.clientY, start: { ...box } };
    });
    frame.addEventListener("pointermove", (e) => {
      if (!drag) return;
      const rect = stage.getBoundingClientRect();
      const dx = (e.clientX - drag.sx) / rect.width, dy = (e.clientY - drag.sy) / rect.height;
      const s = drag.start;
      if (drag.resize) {
        const maxW = Math.min(1 - s.x, ((1 - s.y) * ph * s.r) / pw);
        const w = clamp(s.w + dx, 0.1, maxW);
        box = { ...s, w, h: (w * pw) / (s.r * ph) };
      } else {
        box = { ...s, x: clamp(s.x + dx, 0, 1 - s.w), y: clamp(s.y + dy, 0, 1 - s.h) };
      }
      write();
    });
    const end = () => { drag = null; };
    frame.addEventListener("pointerup", end);
    frame.addEventListener("pointercancel", end);
    frame.tabIndex = 0;
    frame.setAttribute("aria-label", "Crop frame: arrow keys move it");
    frame.addEventListener("keydown", (e) => {
      const step = 0.02, moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      const m = moves[e.key];
      if (!m || !box) return;
      e.preventDefault();
      box = { ...box, x: clamp(box.x + m[0], 0, 1 - box.w), y: clamp(box.y + m[1], 0, 1 - box.h) };
      write();
    });
    document.getElementById("crop-turn")?.addEventListener("click", () => { turned = !turned; reset(); });
    document.querySelectorAll('input[name="product"]').forEach((r) => r.addEventListener("change", reset));
    reset();
  }

  // Checkout: a new way of shipping is priced at once (its form reloads checkout).
  const shippingSelect = document.querySelector("#shipping-form select");
  if (shippingSelect) shippingSelect.addEventListener("change", () => shippingSelect.form.submit());

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
  // Sent with high priority, so a heart never waits behind the thumbnails still loading.
  async function post(path, body) {
    const r = await fetch(`${base}${path}?set=${encodeURIComponent(set)}`, {
      method: "POST",
      priority: "high",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, Accept: "application/json" },
      body: JSON.stringify(body),
    });
    let data = null;
    try { data = await r.json(); } catch (_) { /* shown below */ }
    if (!r.ok) {
      const e = new Error((data && data.error) || `Something went wrong (HTTP ${r.status}).`);
      e.refused = r.status < 500;
      throw e;
    }
    return data;
  }

  const min = counter && counter.dataset.min ? Number(counter.dataset.min) : null;
  const max = counter && counter.dataset.max ? Number(counter.dataset.max) : null;
  const goalEl = document.getElementById("goal");
  // The same words as the server's first render (views::progress).
  function progress(n) {
    if (min !== null && n < min) return `${min - n} more to reach ${min}`;
    if (max !== null && n >= max) return "Maximum reached";
    if (max !== null && n > 0 && max - n <= 2) return `${max - n} left`;
    return goalEl ? goalEl.dataset.goal : "";
  }
  function ready(n) { return n > 0 && (min === null || n >= min) && (max === null || n <= max); }

  function updateCount(n) {
    if (!countEl) return;
    countEl.textContent = n;
    counter.classList.toggle("full", max !== null && n >= max);
    if (goalEl) goalEl.textContent = progress(n);
    if (submitBtn) submitBtn.disabled = !ready(n);
    const where = document.getElementById("where-step");
    if (where && !locked) where.textContent = n > 0 ? "Step 2 of 3: Submit your selection" : "Step 1 of 3: Heart your favourites";
  }
  function heartCount() { return tiles.filter((t) => t.querySelector(".heart")?.getAttribute("aria-pressed") === "true").length; }

  function heartsFor(id) {
    return document.querySelectorAll(`.tile[data-id="${id}"] .heart, #viewer-heart[data-id="${id}"]`);
  }

  function setHeart(id, on) {
    heartsFor(id).forEach((b) => b.setAttribute("aria-pressed", String(on)));
    updateCount(heartCount());
  }

  // Optimistic: the heart changes at once; the server is told with priority, once more on a
  // network failure, and a refusal puts the heart back with the reason.
  // Answers can come back out of order when hearts are tapped fast: only the latest one's
  // count is believed, so an older answer never sets the counter back.
  let heartSeq = 0;
  async function toggleHeart(id) {
    if (locked) { say("Your selection is submitted. Ask your photographer to reopen it to make changes."); return; }
    const btn = document.querySelector(`.tile[data-id="${id}"] .heart`);
    const on = btn.getAttribute("aria-pressed") !== "true";
    if (on && max !== null && heartCount() >= max) {
      say(`You can choose up to ${max} photos. Remove one to add another.`);
      return;
    }
    setHeart(id, on);
    const seq = ++heartSeq;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const r = await post("/favourite", { photo: id, on });
        if (seq === heartSeq && r.count !== heartCount()) updateCount(r.count);
        return;
      } catch (e) {
        if (e.refused || attempt === 1) {
          setHeart(id, !on);
          say(e.refused ? e.message : "Your heart could not be saved: check your connection and try again.");
          return;
        }
        await new Promise((ok) => setTimeout(ok, 800));
      }
    }
  }

  // ---- the review sheet before submitting ----
  const submitForm = document.getElementById("submit-form");
  const review = document.getElementById("review");
  let confirmed = false;
  if (submitForm && review && review.showModal) {
    submitForm.addEventListener("submit", (e) => {
      if (confirmed) return;
      e.preventDefault();
      const chosen = tiles.filter((t) => t.querySelector(".heart")?.getAttribute("aria-pressed") === "true");
      document.getElementById("review-count").textContent =
        `${chosen.length} ${chosen.length === 1 ? "photo" : "photos"} will be sent to your photographer.`;
      const list = document.getElementById("review-photos");
      list.replaceChildren(...chosen.map((t) => {
        const li = document.createElement("li");
        const im = t.querySelector("img");
        if (im) { const c = document.createElement("img"); c.src = im.currentSrc || im.src; c.alt = t.dataset.name; li.append(c); }
        const cap = document.createElement("span"); cap.textContent = t.dataset.name; li.append(cap);
        return li;
      }));
      review.showModal();
    });
    document.getElementById("review-send").addEventListener("click", () => { confirmed = true; });
    document.getElementById("review-back").addEventListener("click", () => review.close());
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
    // A filtered grid is one run of photos: chapter heads and the jump list step aside.
    main.classList.toggle("filtered", Boolean(f));
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
    img.classList.remove("zoomed");
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
    const vOrder = document.getElementById("viewer-order");
    if (vOrder) vOrder.href = `${base}/order/add?photo=${encodeURIComponent(t.dataset.id)}`;
    preload(index + 1); preload(index - 1);
    loadComments(t.dataset.id);
    if (!viewer.hidden && pushed) history.replaceState({ viewer: true }, "", photoUrl());
  }

  // An open photo has its own URL (#photo=<id>), so the phone's Back closes the viewer
  // instead of leaving the gallery, and a photo can be linked to.
  let pushed = false;
  function photoUrl() { return `#photo=${encodeURIComponent(shown[index].dataset.id)}`; }
  function openViewer(i, fromHistory) {
    opener = document.activeElement;
    viewer.hidden = false;
    document.body.style.overflow = "hidden";
    show(i);
    if (!fromHistory) { history.pushState({ viewer: true }, "", photoUrl()); pushed = true; }
    document.getElementById("viewer-close").focus();
  }

  function hideViewer() {
    stopShow();
    viewer.hidden = true;
    document.body.style.overflow = "";
    if (opener) opener.focus();
  }
  function closeViewer() {
    if (pushed) { pushed = false; history.back(); return; } // popstate hides it
    hideViewer();
    history.replaceState(null, "", location.pathname + location.search);
  }
  window.addEventListener("popstate", () => {
    pushed = false;
    if (!viewer.hidden) hideViewer();
  });

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
  // Double tap or double click: look closer at the point tapped; again to see it whole.
  function zoom(x, y) {
    const r = img.getBoundingClientRect();
    if (img.classList.contains("zoomed")) { img.classList.remove("zoomed"); return; }
    img.style.transformOrigin = `${((x - r.left) / r.width) * 100}% ${((y - r.top) / r.height) * 100}%`;
    img.classList.add("zoomed");
  }
  img.addEventListener("dblclick", (e) => zoom(e.clientX, e.clientY));
  let touchX = null, lastTap = 0;
  img.addEventListener("touchstart", (e) => { touchX = e.touches.length === 1 ? e.touches[0].clientX : null; }, { passive: true });
  img.addEventListener("touchend", (e) => {
    const t = e.changedTouches[0];
    if (Date.now() - lastTap < 300) { e.preventDefault(); zoom(t.clientX, t.clientY); lastTap = 0; touchX = null; return; }
    lastTap = Date.now();
    if (touchX === null || img.classList.contains("zoomed")) return;
    const dx = t.clientX - touchX;
    if (Math.abs(dx) > 40) show(index + (dx < 0 ? 1 : -1));
    touchX = null;
  });

  // ---- notes per photo, behind a button with their count: the photo comes first ----
  const notesBtn = document.getElementById("viewer-notes");
  const notesPanel = document.getElementById("viewer-comments");
  function noteCount() {
    if (!notesBtn) return;
    const n = commentList.children.length;
    notesBtn.querySelector(".n").textContent = n ? ` (${n})` : "";
  }
  if (notesBtn) {
    notesBtn.addEventListener("click", () => {
      const open = notesPanel.hidden;
      notesPanel.hidden = !open;
      notesBtn.setAttribute("aria-expanded", String(open));
      if (open) document.getElementById("comment-text").focus();
    });
  }
  async function loadComments(id) {
    if (!commentList) return;
    commentList.replaceChildren();
    noteCount();
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
    noteCount();
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

  // A link to one photo opens it.
  const linked = /^#photo=(.+)$/.exec(location.hash);
  if (linked) {
    const i = shown.findIndex((t) => t.dataset.id === decodeURIComponent(linked[1]));
    if (i >= 0) { history.replaceState(null, "", location.pathname + location.search); openViewer(i); }
  }
})();
