// Package browsertest drives Debian's headless Chromium for the journey tests (kiểm thử trên
// trình duyệt). Every chromedp call of the project lives here, so a change of its API touches
// one file. A missing browser fails the test; it never skips.
package browsertest

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/serviceworker"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// Browser is one headless Chromium tab, closed when the test ends.
type Browser struct {
	t       testing.TB
	ctx     context.Context
	workers map[target.ID]context.Context // the service workers attached to (Network)
}

// New starts Chromium for t, in a fresh profile, with its background networking off (this
// machine reaches no outside network, and tests must not depend on one).
func New(t testing.TB) *Browser {
	t.Helper()
	path := "/usr/bin/chromium"
	if _, err := os.Stat(path); err != nil {
		p, lookErr := exec.LookPath("chromium")
		if lookErr != nil {
			t.Fatalf("browsertest: Chromium not found (`make test` installs it with apt-get install chromium): %v", err)
		}
		path = p
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("lang", "vi-VN"),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium's sandbox refuses to run as root
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser, with no deadline of its own
		t.Fatalf("browsertest: start Chromium: %v", err)
	}
	return &Browser{t: t, ctx: ctx}
}

// Do runs the steps with a deadline, failing the test on the first error.
func (b *Browser) Do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// Open sets the viewport to width×height CSS pixels and loads url.
func (b *Browser) Open(url string, width, height int64) {
	b.t.Helper()
	b.Do(chromedp.EmulateViewport(width, height), chromedp.Navigate(url))
}

// Text returns the visible text of the first element matching the CSS selector, waiting for it
// to become visible.
func (b *Browser) Text(css string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("browser: text of %s: %v", css, err)
	}
	return text
}

// WantText fails the test unless the first element matching css shows exactly want, waiting for
// it to become visible.
func (b *Browser) WantText(css, want string) {
	b.t.Helper()
	if got := b.Text(css); got != want {
		b.t.Fatalf("browser: %s shows %q, want %q", css, got, want)
	}
}

// Eval evaluates a JavaScript expression in the page and returns its value.
func Eval[T any](b *Browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("browser: eval %s: %v", expr, err)
	}
	return v
}

// Await evaluates a JavaScript expression whose value is a promise and returns what it resolves to.
func Await[T any](b *Browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("browser: await %s: %v", expr, err)
	}
	return v
}

// Network switches the tab's network off or back on, as DevTools' "Offline" does: neither the
// page nor its service workers reach a server, and navigator.onLine says so. The emulation of the
// page does not reach its workers, so each worker is attached to (and stays so) and told too.
func (b *Browser) Network(on bool) {
	b.t.Helper()
	offline := !on
	emulate := func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			EmulateOfflineServiceWorker: &offline,
			MatchedNetworkConditions:    []*network.Conditions{{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}},
		})
		return chromedp.Void{}, err
	}
	b.Do(emulate, func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, network.OverrideNetworkState, network.OverrideNetworkStateParams{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1})
		return chromedp.Void{}, err
	})
	targets, err := chromedp.Targets(b.ctx)
	if err != nil {
		b.t.Fatalf("browser: list targets: %v", err)
	}
	for _, info := range targets {
		if info.Type != "service_worker" {
			continue
		}
		if b.workers == nil {
			b.workers = map[target.ID]context.Context{}
		}
		if b.workers[info.TargetID] == nil {
			// Attached for as long as ctx lives, which ends with the tab; hence no deadline here.
			ctx, _ := chromedp.NewContext(b.ctx, chromedp.WithTargetID(info.TargetID))
			if err := chromedp.Do(ctx); err != nil {
				b.t.Fatalf("browser: attach to service worker %s: %v", info.URL, err)
			}
			b.workers[info.TargetID] = ctx
		}
		ctx, cancel := context.WithTimeout(b.workers[info.TargetID], 30*time.Second)
		_, err := chromedp.Run(ctx, emulate)
		cancel()
		if err != nil {
			b.t.Fatalf("browser: network of service worker %s: %v", info.URL, err)
		}
	}
}

// InstallabilityErrors lists why Chromium would not offer to install the page as an app (its
// manifest, icons, service worker); none when it would.
func (b *Browser) InstallabilityErrors() []string {
	b.t.Helper()
	var errs []string
	b.Do(func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		res, err := cdp.Call(ctx, t, page.GetInstallabilityErrors, cdp.Empty{})
		for _, e := range res.InstallabilityErrors {
			errs = append(errs, e.ErrorID)
		}
		return chromedp.Void{}, err
	})
	return errs
}

// OnEveryPage runs the JavaScript js in the page open now and in each page the tab loads from now
// on, before the page's own scripts.
func (b *Browser) OnEveryPage(js string) {
	b.t.Helper()
	now := true
	b.Do(func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: js, RunImmediately: &now})
		return chromedp.Void{}, err
	})
}

// Permission answers for the person, as the browser's prompt would, whether origin may use the
// permission name ("notifications"): setting is "granted", "denied" or "prompt".
func (b *Browser) Permission(origin, name, setting string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	_, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: name}, Setting: browser.PermissionSetting(setting), Origin: origin})
	if err != nil {
		b.t.Fatalf("browser: permission %s for %s: %v", name, origin, err)
	}
}

// DeliverPush hands data to the service worker registered for origin as a message from its push
// service would come (the real push services are out of reach of the tests).
func (b *Browser) DeliverPush(origin, data string) {
	b.t.Helper()
	b.Do(func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		enable := func(ctx context.Context, t *chromedp.Target) (cdp.Empty, error) {
			return cdp.Call(ctx, t, serviceworker.Enable, cdp.Empty{})
		}
		var id serviceworker.RegistrationID
		_, err := chromedp.WaitEvent(serviceworker.WorkerRegistrationUpdated, func(e serviceworker.EventWorkerRegistrationUpdated) bool {
			for _, r := range e.Registrations {
				if strings.HasPrefix(r.ScopeURL, origin) && !r.IsDeleted {
					id = r.RegistrationID
				}
			}
			return id != ""
		}, enable)(ctx, t)
		if err != nil {
			return chromedp.Void{}, err
		}
		_, err = cdp.Call(ctx, t, serviceworker.DeliverPushMessage, serviceworker.DeliverPushMessageParams{Origin: origin, RegistrationID: id, Data: data})
		return chromedp.Void{}, err
	})
}

// Screenshot saves a PNG of the whole page as name.png in the test's temporary directory and
// returns its path. With PTDANG_SCREENSHOTS set, it saves there instead, to be looked at.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("browser: screenshot: %v", err)
	}
	return b.save(name+".png", png)
}

// save writes data as name in PTDANG_SCREENSHOTS, or the test's temporary directory, and
// returns its path.
func (b *Browser) save(name string, data []byte) string {
	b.t.Helper()
	dir := os.Getenv("PTDANG_SCREENSHOTS")
	if dir == "" {
		dir = b.t.TempDir()
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.t.Fatalf("browser: save %s: %v", name, err)
	}
	return path
}

// Media lays the page out for a CSS media type, "print" as when printing; "" for the screen.
func (b *Browser) Media(media string) {
	b.t.Helper()
	b.Do(func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media})
		return chromedp.Void{}, err
	})
}

// PrintPDF prints the page to PDF with opts, saves it as name.pdf as Screenshot saves a PNG,
// and returns the file and its path.
func (b *Browser) PrintPDF(name string, opts ...chromedp.PDFOption) ([]byte, string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(opts...))
	if err != nil {
		b.t.Fatalf("browser: print to PDF: %v", err)
	}
	return pdf, b.save(name+".pdf", pdf)
}

// Fill replaces the value of the input or textarea matching css by typing text into it.
func (b *Browser) Fill(css, text string) {
	b.t.Helper()
	sel, _ := json.Marshal(css)
	b.Do(chromedp.WaitVisible(chromedp.CSS(css)),
		chromedp.Evaluate[chromedp.Void](`void (document.querySelector(`+string(sel)+`).value = "")`),
		chromedp.SendKeys(chromedp.CSS(css), text))
}

// Click clicks the first visible element matching css, on the same page.
func (b *Browser) Click(css string) {
	b.t.Helper()
	b.Do(chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible))
}

// ClickToPage clicks the first visible element matching css and waits for the page it loads.
func (b *Browser) ClickToPage(css string) {
	b.t.Helper()
	b.toNewPage(chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible))
}

// ClickLinkToPage clicks the link whose text is text and waits for the page it loads.
func (b *Browser) ClickLinkToPage(text string) {
	b.t.Helper()
	b.toNewPage(chromedp.Click(`//a[normalize-space()="`+text+`"]`, chromedp.NodeVisible))
}

// toNewPage runs step, which starts loading a page, and waits until the new document is loaded:
// a marker set on the old window must be gone.
func (b *Browser) toNewPage(step chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	b.Do(chromedp.Evaluate[chromedp.Void](`void (window.__browsertestOldPage = true)`), step)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__browsertestOldPage === undefined && document.readyState === "complete"`))
		cancel()
		if err == nil && loaded {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatal("browser: the new page did not load within 30 s")
}

// WaitText waits until the element matching css shows text within its visible text.
func (b *Browser) WaitText(css, text string) {
	b.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	last := ""
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css), chromedp.NodeVisible))
		cancel()
		if err == nil && strings.Contains(got, text) {
			return
		}
		last = got
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("browser: %s never showed %q; last text %q", css, text, last)
}
