// The unit picker (web/account.templ UnitPicker): a tap on a listed unit puts its code in the
// field and closes the list; Escape closes it too.
document.addEventListener("click", (e) => {
  const choice = e.target.closest("[data-unit-code]");
  if (!choice) return;
  const list = choice.closest("[role=listbox]");
  const input = document.querySelector(`[aria-controls="${list.id}"]`);
  input.value = choice.dataset.unitCode;
  list.hidden = true;
  input.setAttribute("aria-expanded", "false");
  input.focus();
});

// The list htmx swaps in tells its field whether it is open.
document.addEventListener("htmx:afterSwap", () => {
  for (const input of document.querySelectorAll("[role=combobox][aria-controls]")) {
    const list = document.getElementById(input.getAttribute("aria-controls"));
    if (list) input.setAttribute("aria-expanded", String(!list.hidden));
  }
});

document.addEventListener("keydown", (e) => {
  if (e.key !== "Escape" || !e.target.matches("[role=combobox]")) return;
  const list = document.getElementById(e.target.getAttribute("aria-controls"));
  if (list) list.hidden = true;
  e.target.setAttribute("aria-expanded", "false");
});
