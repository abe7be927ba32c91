// The "receive notifications on this phone" box of /notifications/settings (docs/notifications.md):
// subscribes this browser to Web Push through the offline worker (/sw.js) with the server's VAPID
// key and hands the subscription to the server, or takes it back.
const box = document.querySelector("[data-push]");
if (box) {
  const state = box.querySelector("[data-push-state]"), on = box.querySelector("[data-push-on]"),
    off = box.querySelector("[data-push-off]");
  const show = (text, subscribed) => {
    state.textContent = text;
    on.hidden = subscribed === undefined || subscribed;
    off.hidden = subscribed === undefined || !subscribed;
  };
  const send = (path, body) => fetch(path, { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body) }).then(res => { if (!res.ok) throw new Error(res.status); });
  const subscription = () => navigator.serviceWorker.ready.then(reg => reg.pushManager.getSubscription());
  const current = () => subscription().then(sub => {
    if (Notification.permission === "denied") show("Thông báo bị chặn trên trình duyệt này. Xin cho phép trang gửi thông báo trong phần cài đặt của trình duyệt rồi mở lại trang.");
    else if (sub) show("Đã bật thông báo trên điện thoại này.", true);
    else show("Chưa bật thông báo trên điện thoại này.", false);
  });
  const failed = err => show("Chưa bật được thông báo (" + err.message + "). Xin thử lại sau.", false);

  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    show("Trình duyệt này không hỗ trợ thông báo đẩy. Trên iPhone, xin thêm ứng dụng vào Màn hình chính rồi mở từ đó.");
  } else {
    // The server may have forgotten this phone (its push service once answered "gone"), or
    // another person signed in on it since: its subscription becomes the signed-in person's again.
    current().then(subscription).then(sub => sub && send("/notifications/push", sub.toJSON())).catch(() => {});
    on.addEventListener("click", async () => {
      on.disabled = true;
      try {
        if (await Notification.requestPermission() !== "granted") return current();
        const key = await fetch("/notifications/push/key");
        if (!key.ok) throw new Error("máy chủ chưa bật thông báo đẩy");
        const reg = await navigator.serviceWorker.ready;
        const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: await key.text() });
        await send("/notifications/push", sub.toJSON());
        await current();
      } catch (err) {
        failed(err);
      } finally {
        on.disabled = false;
      }
    });
    off.addEventListener("click", async () => {
      off.disabled = true;
      try {
        const sub = await subscription();
        if (sub) {
          await send("/notifications/push/delete", { endpoint: sub.endpoint });
          await sub.unsubscribe();
        }
        show("Đã tắt thông báo trên điện thoại này.", false);
      } catch (err) {
        show("Chưa tắt được thông báo (" + err.message + "). Xin thử lại sau.", true);
      } finally {
        off.disabled = false;
      }
    });
  }
}
