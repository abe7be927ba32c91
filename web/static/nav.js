// On a phone the menu is one line that scrolls sideways: bring the current page into view.
document.addEventListener("DOMContentLoaded", () => {
  const current = document.querySelector(".site-nav [aria-current=page]");
  if (current) current.scrollIntoView({ block: "nearest", inline: "center" });
});

// The offline worker (docs/offline.md) keeps the shell and the report forms opened, for use
// with no network.
if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js");
