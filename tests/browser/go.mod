// The browser test of the HTML report and SVG graph: real headless Chromium
// driven over the DevTools protocol (chromedp). A module of its own so that
// chromedp never enters the binary's go.mod.
module github.com/clan-terranix/clan-terranix/tests/browser

go 1.26.0

replace github.com/clan-terranix/clan-terranix => ../..

require (
	github.com/chromedp/cdproto v0.0.0-20260321001828-e3e3800016bc
	github.com/chromedp/chromedp v0.15.1
	github.com/clan-terranix/clan-terranix v0.0.0-00010101000000-000000000000
)

require (
	github.com/chromedp/sysutil v1.1.0 // indirect
	github.com/go-json-experiment/json v0.0.0-20260214004413-d219187c3433 // indirect
	github.com/gobwas/httphead v0.1.0 // indirect
	github.com/gobwas/pool v0.2.1 // indirect
	github.com/gobwas/ws v1.4.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)
