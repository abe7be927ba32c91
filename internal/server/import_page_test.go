package server

import (
	"testing"

	"ptdang/internal/browsertest"
)

// The import page's file field speaks Vietnamese on any browser: its button reads "Chọn tệp…",
// the browser's own ("Choose File") is hidden, and the chosen file's name shows once picked.
func TestImportFileFieldSpeaksVietnamese(t *testing.T) {
	s, base := newTestServer(t)
	newOrgFixture(t, s, base) // signs in "tinh", province staff
	b := signedInBrowser(t, base, "tinh", base+"/quality/import", 360, 740)
	if got := b.Text("[data-testid=choose-file]"); got != "Chọn tệp…" {
		t.Errorf("the file button reads %q", got)
	}
	if w := browsertest.Eval[float64](b, `document.getElementById("file").getBoundingClientRect().width`); w > 1 {
		t.Errorf("the browser's own file button is %.0f px wide: it shows", w)
	}
	if got := b.Text("[data-testid=file-name]"); got != "Chưa chọn tệp nào" {
		t.Errorf("before a file is chosen: %q", got)
	}
	browsertest.Eval[bool](b, `(() => { const dt = new DataTransfer(); dt.items.add(new File(["x"], "xep-loai-2025.csv"));
		const input = document.getElementById("file"); input.files = dt.files;
		input.dispatchEvent(new Event("change", { bubbles: true })); return true })()`)
	if got := b.Text("[data-testid=file-name]"); got != "xep-loai-2025.csv" {
		t.Errorf("after choosing a file: %q", got)
	}
	t.Logf("screenshot: %s", b.Screenshot("import-phone"))
}
