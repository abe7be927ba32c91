// Buttons marked data-print open the browser's print dialog (the page has an A4 print style).
document.addEventListener("click", function (e) {
  if (e.target.closest("[data-print]")) {
    window.print();
  }
});
