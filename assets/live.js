// The live session, on either screen: drawn only from the server's snapshots (an
// EventSource that reconnects by itself and gets the current state first), so both screens
// always show the same. Actions are posted; their effect arrives as the next snapshot.
(() => {
  "use strict";
  const data = JSON.parse(document.getElementById("live-data").textContent);
  const csrf = document.querySelector("meta[name=csrf-token]").content;
  const me = data.side;
  const photos = data.photos;
  const index = new Map(photos.map((p, i) => [p.id, i]));
  const $ = (id) => document.getElementById(id);
  const marked = new Set();
  let state = null;

  function status(text) { $("live-status").textContent = text; }

  async function post(url, body) {
    try {
      const r = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": csrf },
        body: JSON.stringify(body),
      });
      if (!r.ok) {
        const e = await r.json().catch(() => ({}));
        status(e.error || "That did not work; try again.");
      }
    } catch (_) {
      status("Offline: trying again when the connection is back.");
    }
  }
  const act = (body) => post(data.act, body);
  const cartOp = (body) => post(data.cart, body);

  // ---- the strip of photos ----
  const strip = $("live-strip");
  photos.forEach((p) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "live-thumb";
    b.dataset.id = p.id;
    b.title = p.name;
    if (p.thumb) {
      const img = document.createElement("img");
      img.src = p.thumb; img.alt = p.name; img.loading = "lazy";
      b.append(img);
    } else {
      b.textContent = p.name;
    }
    const mark = document.createElement("span");
    mark.className = "live-mark";
    mark.title = "Mark to compare";
    mark.textContent = "+";
    b.append(mark);
    b.addEventListener("click", (e) => {
      if (e.target === mark) {
        marked.has(p.id) ? marked.delete(p.id) : marked.add(p.id);
        draw();
        return;
      }
      if (leading()) act({ op: "show", photo: p.id });
    });
    strip.append(b);
  });

  function leading() { return state && state.leader === me; }
  function current() { return state && state.shown; }
  function step(d) {
    if (!leading()) return;
    const i = index.get(current()) ?? 0;
    const next = photos[(i + d + photos.length) % photos.length];
    if (next) act({ op: "show", photo: next.id });
  }

  $("live-prev").addEventListener("click", () => step(-1));
  $("live-next").addEventListener("click", () => step(1));
  document.addEventListener("keydown", (e) => {
    if (e.target.closest("input, textarea")) return;
    if (e.key === "ArrowRight") step(1);
    else if (e.key === "ArrowLeft") step(-1);
  });
  $("live-keep").addEventListener("click", () => current() && act({ op: "keep", photo: current() }));
  $("live-aside").addEventListener("click", () => current() && act({ op: "set_aside", photo: current() }));
  $("live-undo").addEventListener("click", () => act({ op: "undo" }));
  $("live-take").addEventListener("click", () => act({ op: "lead", side: me }));
  if ($("live-give")) $("live-give").addEventListener("click", () => act({ op: "lead", side: "client" }));
  $("live-compare-go").addEventListener("click", () => {
    if (state && state.compare.length) { act({ op: "compare", photos: [] }); return; }
    act({ op: "compare", photos: [...marked] });
    marked.clear();
  });
  const heart = $("live-heart");
  if (heart && data.heart) {
    heart.addEventListener("click", () => {
      if (!current()) return;
      const on = heart.getAttribute("aria-pressed") !== "true";
      post(data.heart, { photo: current(), on });
    });
  }

  // ---- the room view: the shown photo at the true scale of print sizes on a wall ----
  const roomEl = $("live-room");
  const roomForm = $("live-room-form");
  const sizes = new Map(data.sizes.map((s) => [s.id, s]));
  if (roomForm) {
    $("room-choice").append(...data.rooms.map((r) => new Option(r.name, r.id)));
    $("room-sizes").append(...data.sizes.map((s) => {
      const l = document.createElement("label");
      l.className = "check";
      const i = document.createElement("input");
      i.type = "checkbox"; i.value = s.id;
      l.append(i, " " + s.name);
      return l;
    }));
    roomForm.addEventListener("change", () => sendRoom());
    roomForm.addEventListener("submit", (e) => e.preventDefault());
  }
  // Photos of the client's wall join the bundled rooms as "wall:<hash>".
  function roomChoices(walls) {
    const sel = $("room-choice");
    const want = data.rooms.map((r) => [r.id, r.name]).concat(walls.map((w, i) => [`wall:${w.hash}`, `Your wall ${i + 1}`]));
    if (sel.options.length === want.length) return;
    const keep = sel.value;
    sel.replaceChildren(...want.map(([v, n]) => new Option(n, v)));
    if (keep) sel.value = keep;
  }
  function sendRoom(place) {
    const prev = state && state.room;
    const chosen = [...roomForm.querySelectorAll("#room-sizes input:checked")].map((i) => i.value).slice(0, 3);
    // Opened while comparing two or three photos: a gallery wall of them, the chosen sizes
    // taken in turn.
    const photos = prev ? prev.photos : (state && state.compare.length >= 2 && state.compare.length <= 3 ? state.compare : []);
    const choice = $("room-choice").value;
    const room = {
      room: choice.startsWith("wall:") ? "wall" : choice,
      wall: choice.startsWith("wall:") ? choice.slice(5) : null,
      wall_mm: Math.round(Number($("room-wall").value) * 10),
      sizes: photos.length && chosen.length ? photos.map((_, i) => chosen[i % chosen.length]) : chosen,
      photos,
      frame: $("room-frame").value,
      x: prev ? prev.x : 5000,
      y: prev ? prev.y : 2800,
      ...place,
    };
    act({ op: "room", room });
  }
  const upload = $("room-upload");
  if (upload) {
    upload.addEventListener("change", async () => {
      const file = upload.files[0];
      if (!file) return;
      upload.value = "";
      status("Sending the photo of the wall…");
      try {
        const r = await fetch(data.wall, { method: "POST", headers: { "x-csrf-token": csrf, "content-type": file.type || "application/octet-stream" }, body: file });
        const answer = await r.json().catch(() => ({}));
        if (!r.ok) { status(answer.error || "That photo could not be used."); return; }
        if (!leading()) { status("Sent: the prints can hang on your wall now."); return; }
        status("");
        roomChoices([...(state.walls || []), { hash: answer.wall }]);
        $("room-choice").value = `wall:${answer.wall}`;
        sendRoom();
      } catch (_) {
        status("Offline: send the photo again when the connection is back.");
      }
    });
  }
  if ($("live-room-go")) {
    $("live-room-go").addEventListener("click", () => {
      if (state && state.room) { act({ op: "room", room: null }); return; }
      const boxes = [...roomForm.querySelectorAll("#room-sizes input")];
      if (!boxes.some((b) => b.checked)) boxes.slice(0, 2).forEach((b) => { b.checked = true; });
      sendRoom();
    });
  }
  // The leader drags the prints along the wall; the new place is sent when let go.
  let drag = null;
  roomEl.addEventListener("pointerdown", (e) => {
    if (!leading() || !state.room) return;
    drag = { x: e.clientX, y: e.clientY, dx: 0, dy: 0 };
    roomEl.setPointerCapture(e.pointerId);
  });
  roomEl.addEventListener("pointermove", (e) => {
    if (!drag) return;
    drag.dx = e.clientX - drag.x; drag.dy = e.clientY - drag.y;
    for (const p of roomEl.children) p.style.translate = `${drag.dx}px ${drag.dy}px`;
  });
  roomEl.addEventListener("pointerup", () => {
    if (!drag) return;
    const r = roomEl.getBoundingClientRect();
    const clamp = (v) => Math.max(0, Math.min(10000, Math.round(v)));
    const place = { x: clamp(state.room.x + drag.dx / r.width * 10000), y: clamp(state.room.y + drag.dy / r.height * 10000) };
    drag = null;
    sendRoom(place);
  });

  // The prints on the wall: the shown photo at each size, or a gallery wall's photos each
  // at its own (as `Room::hung` on the server).
  function hung(r, shown) {
    const pairs = r.photos.length ? r.photos.map((id, i) => [photos[index.get(id)], r.sizes[i]]) : r.sizes.map((sz) => [shown, sz]);
    return pairs.filter(([p, sz]) => p && sizes.get(sz)).map(([p, id]) => {
      const sz = sizes.get(id);
      let [a, b] = [sz.w, sz.h];
      if ((p.w >= p.h) !== (a >= b)) [a, b] = [b, a];
      return { sz, photo: p, wmm: a, hmm: b };
    });
  }
  function drawRoom(s, shown) {
    const r = s.room;
    const own = r.wall && (s.walls || []).find((x) => x.hash === r.wall);
    const info = data.rooms.find((x) => x.id === r.room) || data.rooms[0];
    const aspect = own ? own.w / own.h : 16 / 10;
    const stage = $("live-stage").getBoundingClientRect();
    let w = stage.width - 8;
    let h = w / aspect;
    if (h > stage.height - 8) { h = stage.height - 8; w = h * aspect; }
    roomEl.style.width = `${w}px`;
    roomEl.style.height = `${h}px`;
    roomEl.style.backgroundImage = `url("${own ? own.url : info.url}")`;
    roomEl.dataset.wallMm = r.wall_mm;
    const scale = w / r.wall_mm; // CSS pixels per millimetre of wall
    roomEl.style.setProperty("--mm", scale);
    const gap = 150 * scale;
    const prints = hung(r, shown);
    const total = prints.reduce((t, p) => t + p.wmm * scale, 0) + gap * (prints.length - 1);
    let x = (r.x / 10000) * w - total / 2;
    const cy = (r.y / 10000) * h;
    roomEl.replaceChildren(...prints.map((p) => {
      const div = document.createElement("div");
      div.className = `live-print frame-${r.frame}`;
      div.style.left = `${x}px`;
      div.style.top = `${cy - (p.hmm * scale) / 2}px`;
      div.style.width = `${p.wmm * scale}px`;
      div.style.height = `${p.hmm * scale}px`;
      if (p.photo.preview) div.style.backgroundImage = `url("${p.photo.preview}")`;
      div.dataset.photo = p.photo.id;
      div.dataset.mm = p.wmm;
      const cap = document.createElement("span");
      cap.textContent = p.sz.name;
      div.append(cap);
      x += p.wmm * scale + gap;
      return div;
    }));
    // The form shows what the screens show (a follower's, or after a reconnect).
    if (roomForm && !roomForm.contains(document.activeElement)) {
      $("room-choice").value = r.wall ? `wall:${r.wall}` : r.room;
      $("room-wall").value = r.wall_mm / 10;
      $("room-frame").value = r.frame;
      for (const i of roomForm.querySelectorAll("#room-sizes input")) i.checked = r.sizes.includes(i.value);
    }
  }
  // The stage shrinks when the order below grows (or the window turns): the wall is drawn
  // again to fit.
  new ResizeObserver(() => { if (state && state.room) draw(); }).observe($("live-stage"));

  // ---- drawing a snapshot ----
  function draw() {
    if (!state) return;
    const s = state;
    if (s.ended) {
      $("live-ended").hidden = false;
      $("live-photo").hidden = true;
      $("live-compare").hidden = true;
      status("Ended");
      return;
    }
    const shown = photos[index.get(s.shown)];
    const img = $("live-photo");
    const cmp = $("live-compare");
    roomEl.hidden = !s.room;
    if (roomForm) roomForm.hidden = !s.room || !leading();
    if ($("room-upload-label")) $("room-upload-label").hidden = !s.room;
    if ($("live-room-go")) {
      $("live-room-go").textContent = s.room ? "Close the wall" : "See it on the wall";
      $("live-room-go").disabled = !leading();
    }
    if (s.room) {
      img.hidden = true;
      cmp.hidden = true;
      drawRoom(s, shown);
    } else if (s.compare.length) {
      img.hidden = true;
      cmp.hidden = false;
      cmp.replaceChildren(...s.compare.map((id) => {
        const p = photos[index.get(id)];
        const fig = document.createElement("figure");
        const i = document.createElement("img");
        if (p && p.preview) i.src = p.preview;
        i.alt = p ? p.name : "";
        fig.dataset.id = id;
        fig.className = s.kept.includes(id) ? "kept" : s.aside.includes(id) ? "aside" : "";
        const cap = document.createElement("figcaption");
        cap.textContent = p ? p.name : "";
        fig.append(i, cap);
        return fig;
      }));
    } else {
      cmp.hidden = true;
      img.hidden = false;
      if (shown && img.dataset.id !== shown.id) {
        img.dataset.id = shown.id;
        if (shown.preview) img.src = shown.preview;
        img.alt = shown.name;
      }
    }
    $("live-name").textContent = s.compare.length
      ? `Comparing ${s.compare.length} photos`
      : shown ? `${shown.name} · ${index.get(s.shown) + 1} of ${photos.length}` : "";
    const who = s.leader === me ? "You lead" : s.leader === "photographer" ? "The photographer leads" : "The client leads";
    $("live-lead").textContent = who + (me === "photographer" && !s.joined ? " · waiting for the client to join" : "");
    $("live-take").hidden = leading();
    if ($("live-give")) $("live-give").hidden = s.leader !== "photographer";
    $("live-prev").disabled = !leading();
    $("live-next").disabled = !leading();
    $("live-hearts").textContent = s.hearts.length;
    $("live-kept").textContent = s.kept.length;
    $("live-aside-n").textContent = s.aside.length;
    $("live-compare-go").textContent = s.compare.length ? "End comparison" : `Compare marked (${marked.size})`;
    $("live-compare-go").disabled = !leading() || (!s.compare.length && (marked.size < 2 || marked.size > 4));
    // The kept photos against the package: included, and what each one beyond costs.
    const pkg = data.packages[0];
    if (pkg) {
      const n = s.kept.length;
      const extra = Math.max(0, n - pkg.images);
      $("live-package").textContent = `${pkg.name}: ${Math.min(n, pkg.images)} of ${pkg.images} included` +
        (extra ? ` · ${extra} extra at ${pkg.extra} each` : "");
    }
    if (heart) heart.setAttribute("aria-pressed", String(!!shown && s.hearts.includes(shown.id)));
    for (const b of strip.children) {
      const id = b.dataset.id;
      b.classList.toggle("current", id === s.shown);
      b.classList.toggle("kept", s.kept.includes(id));
      b.classList.toggle("aside", s.aside.includes(id));
      b.classList.toggle("hearted", s.hearts.includes(id));
      b.classList.toggle("marked", marked.has(id));
      b.querySelector(".live-mark").textContent = marked.has(id) ? "✓" : "+";
    }
    if (roomForm) {
      roomChoices(s.walls || []);
      $("room-sizes-legend").textContent = s.room && s.room.photos.length ? "Sizes (hung in turn)" : "Sizes (up to three)";
    }
    drawCart(s, shown);
    document.body.dataset.seq = s.seq;
  }

  // ---- the order, built together ----
  function drawCart(s, shown) {
    const c = s.cart;
    $("live-cart-package").textContent = c ? (c.package || "No package chosen") : (me === "photographer" ? "Waiting for the client to join" : "");
    $("live-cart-total").textContent = c && c.total ? `Total ${c.total}` : "";
    $("live-cart-problem").textContent = c && c.problem ? c.problem : "";
    $("live-fill").disabled = !c || !s.kept.length;
    const lines = $("live-cart-lines");
    lines.replaceChildren(...(c ? c.lines : []).map((l, i) => {
      const li = document.createElement("li");
      li.textContent = `${l.quantity > 1 ? l.quantity + " × " : ""}${l.label}${l.room ? " · with its wall view" : ""} — ${l.amount} `;
      const x = document.createElement("button");
      x.type = "button"; x.className = "link"; x.textContent = "Remove";
      x.addEventListener("click", () => cartOp({ op: "remove", line: i }));
      li.append(x);
      return li;
    }));
    // On the wall: each print (or the whole gallery wall) can go into the order, with the
    // room view saved on its line.
    const add = $("live-wall-add");
    if (!s.room || !c) { add.replaceChildren(); return; }
    const prints = hung(s.room, shown);
    const buttons = s.room.photos.length
      ? [[null, `Add the wall to the order (${prints.length} prints)`]]
      : prints.map((p, i) => [i, `Add the ${p.sz.name} to the order`]);
    add.replaceChildren(...buttons.map(([i, label]) => {
      const b = document.createElement("button");
      b.type = "button"; b.className = "button wall-add"; b.textContent = label;
      b.addEventListener("click", () => cartOp(i === null ? { op: "from_wall" } : { op: "from_wall", print: i }));
      return b;
    }));
  }
  $("live-fill").addEventListener("click", () => cartOp({ op: "fill_package" }));
  if ($("live-cart-choose")) $("live-cart-choose").addEventListener("change", (e) => { if (e.target.value) cartOp({ op: "package", package: e.target.value }); });

  // ---- the stream ----
  const source = new EventSource(data.events);
  source.addEventListener("state", (e) => {
    state = JSON.parse(e.data);
    status("");
    draw();
    if (state.ended) source.close();
  });
  source.addEventListener("open", () => status(""));
  source.addEventListener("error", () => { if (!state || !state.ended) status("Reconnecting…"); });
})();
