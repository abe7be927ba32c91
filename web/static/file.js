// A file field says, in Vietnamese, which file was chosen (the browser's own button speaks the
// browser's language: "Choose File"). See web/import.templ.
document.addEventListener("change", (e) => {
  const input = e.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "file") return;
  const name = document.querySelector(`[data-file-name-for="${input.id}"]`);
  if (name) name.textContent = input.files.length ? input.files[0].name : "Chưa chọn tệp nào";
});
