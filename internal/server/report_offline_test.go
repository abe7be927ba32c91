package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"ptdang/internal/browsertest"
	"ptdang/internal/report"
)

// draftsJS reads the report drafts kept on the phone, as JSON.
const draftsJS = `new Promise((resolve, reject) => {
	const open = indexedDB.open("ptdang-offline", 1);
	open.onupgradeneeded = () => open.result.createObjectStore("drafts");
	open.onerror = () => reject(open.error);
	open.onsuccess = () => {
		const all = open.result.transaction("drafts").objectStore("drafts").getAll();
		all.onsuccess = () => resolve(JSON.stringify(all.result));
	};
})`

// keptDrafts waits up to 5 s for the drafts kept on the phone to satisfy want, and returns them.
func keptDrafts(b *browsertest.Browser, want func(string) bool) string {
	got := ""
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if got = browsertest.Await[string](b, draftsJS); want(got) {
			break
		}
	}
	return got
}

// holding says whether drafts, as JSON, hold every part.
func holding(parts ...string) func(string) bool {
	return func(drafts string) bool {
		for _, p := range parts {
			if !strings.Contains(drafts, p) {
				return false
			}
		}
		return true
	}
}

func none(drafts string) bool { return drafts == "[]" }

// offlineSecretary opens the fixture's cell secretary's Q2/2026 form on a 360-px phone, twice: the
// first visit installs the app's service worker, the second is kept by it for use offline.
func offlineSecretary(t *testing.T) (*Server, string, reportFixture, *browsertest.Browser) {
	t.Helper()
	s, base, f := serverWith(t, newReportFixture)
	form := base + reportHref(f.cell, q2026)
	b := signedInBrowser(t, base, "bithu", form, 360, 740)
	browsertest.Await[bool](b, `navigator.serviceWorker.ready.then(() => true)`)
	b.Open(form, 360, 740)
	if !browsertest.Await[bool](b, `caches.open("pages").then(c => c.match(location.pathname)).then(Boolean)`) {
		t.Fatal("the worker did not keep the report form for use offline")
	}
	return s, form, f, b
}

// fillOffline types a balanced quarter (14 + 2 admitted = 16) with the network off and presses
// button ("save" or "submit").
func fillOffline(t *testing.T, b *browsertest.Browser, button string) {
	t.Helper()
	b.Network(false)
	b.Fill("#admitted", "2")
	b.Fill("#closing", "16")
	b.Fill("#full_members", "14")
	b.Fill("#probationary", "2")
	b.Click("[data-testid=" + button + "]")
	b.WaitText("[data-testid=offline-banner]", "Đã lưu trên máy, chưa gửi lên máy chủ")
}

// stored reads from PostgreSQL the cell's Q2/2026 report.
func stored(t *testing.T, s *Server, f reportFixture) report.Report {
	t.Helper()
	rep, err := report.Get(t.Context(), s.DB, f.staffScope(t, s), f.cell, q2026)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// The app installs on a phone: Chromium finds its manifest, icons and worker fit; the worker is
// asked for afresh each time and the manifest is served as one.
func TestAppInstallsOnAPhone(t *testing.T) {
	_, form, f, b := offlineSecretary(t)
	if errs := b.InstallabilityErrors(); len(errs) > 0 {
		t.Errorf("Chromium would not install the app at %s: %v", form, errs)
	}
	worker := browsertest.Await[string](b, `fetch("/sw.js").then(r => r.headers.get("Cache-Control") + " " + r.headers.get("Content-Type"))`)
	manifest := browsertest.Await[string](b, `fetch("/static/manifest.webmanifest").then(r => r.headers.get("Content-Type"))`)
	if worker != "no-cache text/javascript; charset=utf-8" || manifest != "application/manifest+json" {
		t.Errorf("the worker is served as %q, the manifest as %q", worker, manifest)
	}
	// Only report forms are kept: not the dashboard, nor the API, nor a quarter's history.
	base := strings.TrimSuffix(form, reportHref(f.cell, q2026))
	for _, page := range []string{"/dashboard", "/api/v1/dashboard", reportHref(f.cell, q2026) + "/history"} {
		b.Open(base+page, 360, 740)
	}
	kept := browsertest.Await[string](b, `caches.open("pages").then(c => c.keys()).then(ks => ks.map(k => new URL(k.url).pathname).join(" "))`)
	if kept != reportHref(f.cell, q2026) {
		t.Errorf("the worker keeps %q, want only the report form", kept)
	}
}

// A secretary fills and saves her report with no network: the figures are kept on the phone, the
// form opens again from the app with them, and they reach the server when the network returns.
func TestReportSavedOfflineIsSentWhenTheNetworkReturns(t *testing.T) {
	s, form, f, b := offlineSecretary(t)
	fillOffline(t, b, "save")
	if want := holding(`["admitted","2"]`, `["version","0"]`, `["action","save"]`); !want(keptDrafts(b, want)) {
		t.Fatalf("the phone keeps %s", browsertest.Await[string](b, draftsJS))
	}
	b.Screenshot("report-offline-kept-360")
	if got := stored(t, s, f).Figures["admitted"]; got != 0 {
		t.Fatalf("with the network off the server holds %d admitted", got)
	}

	b.Open(form, 360, 740) // still offline: the app opens the form it kept, with the draft in it
	b.WaitText("[data-testid=offline-banner]", "chưa gửi lên máy chủ")
	if got := browsertest.Eval[string](b, `document.querySelector("#admitted").value + "/" + document.querySelector("#closing").value`); got != "2/16" {
		t.Errorf("the form opened offline shows admitted/closing %q, want the kept 2/16", got)
	}
	if w := browsertest.Eval[float64](b, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("the form opened offline is %.0f px wide on a 360-px phone", w)
	}

	dashboard := strings.Replace(form, reportHref(f.cell, q2026), "/dashboard", 1)
	b.Open(dashboard, 360, 740) // a page not kept: the offline page lists those that are
	b.WaitText("[data-testid=offline-page] h1", "Chưa có mạng")
	b.WaitText("[data-testid=kept-pages]", "Báo cáo Quý 2/2026")
	b.Screenshot("offline-page-360")
	b.ClickToPage("[data-testid=kept-pages] a")
	b.WaitText("[data-testid=offline-banner]", "chưa gửi lên máy chủ")

	b.Network(true)
	b.WaitText("[data-testid=offline-banner]", "đã được gửi lên máy chủ")
	if got := stored(t, s, f).Figures["admitted"]; got != 2 {
		t.Errorf("after the network returned the server holds %d admitted, want 2", got)
	}
	if got := keptDrafts(b, none); got != "[]" {
		t.Errorf("the draft sent is still kept: %s", got)
	}
	if shown := browsertest.Eval[string](b, `getComputedStyle(document.querySelector("[data-testid=drop-draft]")).display`); shown != "none" {
		t.Errorf("once sent the banner still offers to drop the draft (display %s)", shown)
	}
	b.Screenshot("report-offline-sent-360")

	b.ClickToPage("[data-testid=logout]")
	if browsertest.Await[bool](b, `caches.has("pages")`) {
		t.Error("the report forms kept offline outlive the sign-out")
	}
}

// Someone else saves the report while the secretary types offline: when the network returns she
// sees both values, as online, her figures stay in the form and on the phone, and saving again
// stores them.
func TestReportSavedOfflineAfterAnotherSaveShowsTheConflict(t *testing.T) {
	s, form, f, b := offlineSecretary(t)
	fillOffline(t, b, "save")
	other := url.Values{"action": {"save"}, "version": {"0"}, "opening": {"14"}, "admitted": {"1"}, "closing": {"15"}}
	if resp, _ := send(t, f.xa, "POST", form, other); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the commune's save: %d", resp.StatusCode)
	}
	b.Open(form, 360, 740)
	if got := browsertest.Eval[string](b, `document.querySelector("#version").value`); got != "0" {
		t.Fatalf("the form opened offline carries version %s: it came from the server, not the phone", got)
	}

	b.Network(true)
	b.WaitText("[data-testid=offline-banner]", "người khác đã lưu báo cáo trước")
	b.WaitText("[data-testid=conflict]", "Người khác đã lưu báo cáo này")
	if got := browsertest.Eval[string](b, `document.querySelector("#admitted").value`); got != "2" {
		t.Errorf("after the conflict the form shows admitted %q, want the secretary's 2", got)
	}
	if want := holding(`["admitted","2"]`, `"refused":"conflict"`); !want(keptDrafts(b, want)) {
		t.Errorf("after the conflict the phone keeps %s, want the draft held", browsertest.Await[string](b, draftsJS))
	}
	if got := stored(t, s, f).Figures["admitted"]; got != 1 {
		t.Errorf("the conflict stored %d admitted, want the commune's 1 kept", got)
	}
	b.Screenshot("report-offline-conflict-360")

	b.ClickToPage("[data-testid=save]")
	b.WaitText("[data-testid=message]", "Đã lưu")
	if got := stored(t, s, f).Figures["admitted"]; got != 2 {
		t.Errorf("saving again after the conflict stored %d admitted, want 2", got)
	}
	if got := keptDrafts(b, none); got != "[]" {
		t.Errorf("the draft saved is still kept: %s", got)
	}
}

// "Gửi Đảng ủy xã" pressed offline submits the report when the network returns.
func TestReportSubmittedOfflineIsSubmittedWhenTheNetworkReturns(t *testing.T) {
	s, _, f, b := offlineSecretary(t)
	fillOffline(t, b, "submit")
	b.Network(true)
	b.WaitText("[data-testid=offline-banner]", "đã được gửi lên máy chủ")
	b.WantText("[data-testid=state]", report.Submitted.Label())
	if rep := stored(t, s, f); rep.State != report.Submitted || rep.Figures["closing"] != 16 {
		t.Errorf("after the network returned the report is %s with closing %d, want submitted with 16", rep.State, rep.Figures["closing"])
	}
}

// A figure changed offline after pressing "Gửi Đảng ủy xã" is kept too, by the autosave that could
// not reach the server, and the draft still submits.
func TestReportChangedOfflineAfterSubmittingIsKept(t *testing.T) {
	_, _, _, b := offlineSecretary(t)
	fillOffline(t, b, "submit")
	b.Fill("#women", "1")
	browsertest.Eval[bool](b, `document.querySelector("#women").dispatchEvent(new Event("change", {bubbles: true}))`)
	if want := holding(`["women","1"]`, `["action","submit"]`); !want(keptDrafts(b, want)) {
		t.Errorf("after a change offline the phone keeps %s", browsertest.Await[string](b, draftsJS))
	}
}
