// targets.js: the running sum and difference of the allocation page (docs/targets.md), updated
// as the user types. The page works without it: the server computes the same figures with the
// same rules on "Tính lại tổng" and on saving, so this file only saves a round trip. It must
// agree with internal/target (FromShare) and web/target.go (the texts).
(function () {
  "use strict";

  // group writes a whole number the Vietnamese way: 1300 → "1.300".
  function group(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function signed(n) {
    if (n > 0) return "+" + group(n);
    if (n < 0) return "-" + group(-n);
    return "0";
  }

  // whole reads a whole number typed with or without thousands dots; null when it is not one.
  function whole(s) {
    s = s.replace(/[.\s\u00a0\u202f]/g, "");
    return /^\d{1,9}$/.test(s) ? parseInt(s, 10) : null;
  }

  // share reads a percentage ("3", "2,75", "3 %") in hundredths of a percent; null when bad.
  function share(s) {
    s = s.replace(/%/g, "").trim().replace(",", ".");
    if (!/^\d{1,3}(\.\d{1,2})?$/.test(s)) return null;
    var parts = s.split(".");
    var h = parseInt(parts[0], 10) * 100 + (parts[1] ? parseInt((parts[1] + "0").slice(0, 2), 10) : 0);
    return h <= 10000 ? h : null;
  }

  // fromShare is target.FromShare: a share is a minimum, rounded up to a whole person.
  function fromShare(h, base) {
    return Math.floor((h * base + 9999) / 10000);
  }

  // value is what one entry stands for: {set, n}. A typed share fills in the number.
  function value(entry) {
    var number = entry.querySelector("[data-number]");
    var shareInput = entry.querySelector("[data-share]");
    var baseInput = entry.querySelector("[data-base]");
    if (!number) {
      var cell = entry.querySelector("[data-value]");
      var text = cell ? cell.getAttribute("data-value") : "";
      return text === "" ? { set: false, n: 0 } : { set: true, n: whole(text) || 0 };
    }
    if (shareInput && shareInput.value.trim() !== "") {
      number.readOnly = true;
      var h = share(shareInput.value);
      var baseText = baseInput.value.trim() === "" ? baseInput.getAttribute("data-default") || "" : baseInput.value;
      var base = whole(baseText);
      if (h === null || base === null) {
        number.value = "";
        return { set: true, n: 0 };
      }
      var n = fromShare(h, base);
      number.value = group(n);
      return { set: true, n: n };
    }
    number.readOnly = false;
    if (number.value.trim() === "") return { set: false, n: 0 };
    return { set: true, n: whole(number.value) || 0 };
  }

  function update(form) {
    var totalEntry = form.querySelector('[data-entry="total"]');
    var total;
    if (totalEntry) {
      total = value(totalEntry);
    } else {
      var t = form.getAttribute("data-total") || "";
      total = t === "" ? { set: false, n: 0 } : { set: true, n: whole(t) || 0 };
    }
    var sum = 0, allocated = 0;
    form.querySelectorAll('tbody [data-entry]').forEach(function (row) {
      var v = value(row);
      if (v.set) {
        sum += v.n;
        allocated++;
      }
    });
    var diff = sum - total.n;
    var note;
    if (!total.set) note = "Đơn vị chưa có chỉ tiêu";
    else if (diff === 0) note = "Khớp với chỉ tiêu";
    else if (diff < 0) note = "Còn thiếu " + group(-diff) + " so với chỉ tiêu";
    else note = "Vượt " + group(diff) + " so với chỉ tiêu";
    var set = function (sel, text) {
      var el = form.querySelector(sel);
      if (el) el.textContent = text;
    };
    set('[data-testid="alloc-sum"]', group(sum));
    set('[data-testid="alloc-diff"]', signed(diff));
    set('[data-testid="alloc-note"]', note);
    var summary = form.querySelector("[data-summary]");
    if (summary) summary.classList.toggle("warn", allocated > 0 && (!total.set || diff !== 0));
  }

  function init() {
    document.querySelectorAll("form[data-allocation]").forEach(function (form) {
      var preview = form.querySelector("[data-preview]");
      if (preview) preview.hidden = true; // the figures update by themselves
      form.addEventListener("input", function () { update(form); });
      update(form);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
