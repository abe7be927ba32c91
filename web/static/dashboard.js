// The dashboard's sections (details.fold) show whole on wide screens and in print (app.css); on a
// phone they are folded until opened. A link of the section menu, or to a section, opens it.
function openSection(id) {
  const section = document.getElementById(id);
  if (section && section.tagName === "DETAILS") section.open = true;
}
document.addEventListener("click", (e) => {
  const link = e.target.closest(".section-menu a[href^='#']");
  if (link) openSection(link.getAttribute("href").slice(1));
});
document.addEventListener("DOMContentLoaded", () => {
  if (location.hash) openSection(decodeURIComponent(location.hash.slice(1)));
});
