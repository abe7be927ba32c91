// Offline drafts of the quarterly report (docs/offline.md). A save that cannot reach the server
// keeps the figures, with the version they were typed against, in IndexedDB under the user and
// the report's address; they are posted when the network returns and dropped only once the server
// has taken them. With JavaScript off the form posts as it always did.
const store = "drafts";
const text = {
  kept: "Đã lưu trên máy, chưa gửi lên máy chủ. Khi có mạng, số liệu sẽ tự gửi.",
  sent: "Số liệu nhập khi mất mạng đã được gửi lên máy chủ.",
  conflict: "Số liệu nhập khi mất mạng chưa được ghi: người khác đã lưu báo cáo trước. Số của đồng chí vẫn giữ trên máy và ở trong ô; xem lại rồi bấm lưu lần nữa.",
  refused: "Số liệu nhập khi mất mạng chưa được ghi: máy chủ chưa nhận, lý do ở trên. Số của đồng chí vẫn giữ trên máy và ở trong ô; sửa rồi bấm lưu lần nữa.",
  dropped: "Đã bỏ số liệu giữ trên máy.",
  online: "Việc này cần có mạng. Số liệu đang nhập vẫn ở trong ô.",
  unchecked: "Khi mất mạng chưa kiểm tra được số liệu; máy chủ sẽ kiểm tra khi nhận.",
};

function drafts(mode, use) {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open("ptdang-offline", 1);
    open.onupgradeneeded = () => open.result.createObjectStore(store);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction(store, mode), req = use(tx.objectStore(store));
      tx.oncomplete = () => { open.result.close(); resolve(req.result); };
      tx.onerror = () => reject(tx.error);
    };
  });
}
const draftOf = key => drafts("readonly", s => s.get(key));
const keepDraft = (key, draft) => drafts("readwrite", s => s.put(draft, key));
const dropDraft = key => drafts("readwrite", s => s.delete(key));

const form = () => document.querySelector("form[data-draft-key]");
// address is where f posts (f.action would be its buttons, named "action").
const address = f => new URL(f.getAttribute("action"), location.href);

function say(state) {
  const banner = document.getElementById("offline-banner");
  if (!banner) return;
  banner.hidden = !state;
  banner.dataset.state = state || "";
  banner.querySelector("p").textContent = text[state] || "";
  banner.classList.toggle("ok-notice", state === "sent");
  banner.querySelector("button").hidden = !["kept", "conflict", "refused"].includes(state);
  const checks = document.getElementById("checks");
  if (state === "kept" && checks && !navigator.onLine) checks.textContent = text.unchecked; // its verdict is on other figures
}

// keep stores what f holds (with the button pressed, or else the one pressed before) as not yet sent.
async function keep(f, fields) {
  const key = f.dataset.draftKey, pressed = (await draftOf(key))?.fields.find(([name]) => name === "action");
  if (pressed && !fields.has("action")) fields.append(...pressed);
  await keepDraft(key, { fields: [...fields], refused: "", at: Date.now() });
  say("kept");
}

// send posts the draft kept for f as the form would, with the version it was typed against, and
// shows the server's answer: the report saved, or refused (a conflict shows both values) with the
// draft kept until the secretary saves again. A draft refused is sent again only when asked (on
// opening the form: the server then shows again why).
let sending = false;
async function send(f, again) {
  const key = f.dataset.draftKey, draft = await draftOf(key);
  if (!draft || (draft.refused && !again) || sending) return;
  sending = true;
  try {
    const res = await fetch(address(f), { method: "POST", body: new URLSearchParams(draft.fields) });
    if (new URL(res.url).pathname !== address(f).pathname) return location.assign(res.url); // signed out: the draft waits
    if (res.status >= 500) return; // the next try may do
    const state = res.redirected ? "sent" : res.status === 409 ? "conflict" : "refused";
    if (res.redirected) await dropDraft(key);
    else await keepDraft(key, { ...draft, refused: state });
    await show(res);
    say(state);
  } catch {
    say(draft.refused || "kept"); // still no network
  } finally {
    sending = false;
  }
}

// show puts the server's answer in place of the page, as if the form had been posted.
async function show(res) {
  const page = new DOMParser().parseFromString(await res.text(), "text/html");
  document.title = page.title;
  document.body.replaceWith(document.adoptNode(page.body));
  history.replaceState(null, "", res.url);
  if (window.htmx) htmx.process(document.body);
}

// restore puts a kept draft's figures back in the form (a page opened from the cache shows the
// figures as they were when the page was kept).
function restore(f, draft) {
  for (const [name, value] of draft.fields) {
    const field = f.elements.namedItem(name);
    if (name !== "version" && name !== "action" && field) field.value = value;
  }
}

async function start() {
  const kept = document.getElementById("kept-pages");
  if (kept) return listKept(kept);
  const f = form();
  if (!f) return;
  const draft = await draftOf(f.dataset.draftKey);
  if (!draft) return;
  if (draft.refused && new URLSearchParams(location.search).has("done")) { // saved since the refusal
    await dropDraft(f.dataset.draftKey);
    return;
  }
  restore(f, draft);
  say(draft.refused || "kept");
  if (navigator.onLine) send(f, true);
}

// listKept lists, on the offline page, the report forms this device can open without network.
async function listKept(list) {
  const cache = await caches.open("pages");
  for (const req of await cache.keys()) {
    const page = new DOMParser().parseFromString(await (await cache.match(req)).text(), "text/html");
    const name = [...page.querySelectorAll("main h1, main .lead")].map(e => e.textContent.trim()).join(" · ");
    const a = Object.assign(document.createElement("a"), { href: req.url, textContent: name, className: "button secondary" });
    list.appendChild(document.createElement("li")).appendChild(a);
  }
}

// A save with no network is kept on the device instead of lost to an error page; the form's
// other buttons need the server.
document.addEventListener("submit", e => {
  const f = e.target;
  if (navigator.onLine || !f.matches("form[data-draft-key]")) return;
  e.preventDefault();
  if (["save", "submit"].includes(e.submitter?.value)) keep(f, new FormData(f, e.submitter));
  else say("online");
});
// So is a change the autosave could not send (the network gone while the phone thinks it is on).
document.addEventListener("htmx:sendError", e => {
  const f = form();
  if (f && f.contains(e.target)) keep(f, new FormData(f));
});
document.addEventListener("click", e => {
  if (!e.target.closest("#offline-banner button")) return;
  const f = form();
  if (f) dropDraft(f.dataset.draftKey).then(() => say("dropped"));
});
window.addEventListener("online", () => form() && send(form()));
setInterval(() => navigator.onLine && form() && send(form()), 30000);
document.addEventListener("DOMContentLoaded", start);
