package report

import (
	_ "embed"
	"html/template"
	"io"
	"time"
)

// Page is the static HTML report of a clan (`clan-terranix report --html`):
// the dependency graph, every workspace's status, its last runs and its
// outputs. It is one file with nothing to fetch: no script, no font, no
// image from elsewhere.
type Page struct {
	Clan      string
	Generated time.Time
	// GraphSVG is the inline <svg> of the dependency graph.
	GraphSVG   template.HTML
	Workspaces []PageWorkspace
}

// PageWorkspace is one workspace of a Page.
type PageWorkspace struct {
	Name string
	// Status is one of the Page* statuses; Detail says more (who holds the lock).
	Status, Detail string
	Dependencies   []string
	Runs           []PageRun
	Outputs        []PageOutput
	// OutputsNote replaces the outputs when they cannot be read (encrypted state).
	OutputsNote string
}

// Statuses of a workspace on the page.
const (
	PageNeverApplied  = "never applied"
	PageUpToDate      = "up to date"
	PageConfigChanged = "config changed"
	PageLocked        = "locked"
	PageDrifted       = "drifted"
	PageFailed        = "failed"
)

// PageRun is one run from the state history.
type PageRun struct {
	When            time.Time
	Who             string
	Command, Result string
	Changes         string
	Duration        time.Duration
	Commit          string
}

// PageOutput is one non-sensitive output.
type PageOutput struct {
	Name, Value string
}

// StatusClass is the CSS class of a status (its colour on the page and in the graph).
func StatusClass(status string) string {
	switch status {
	case PageUpToDate:
		return "ok"
	case PageNeverApplied:
		return "new"
	case PageFailed, PageDrifted:
		return "bad"
	}
	return "warn"
}

// StatusFill is the graph node colour of a status, matching the page's.
func StatusFill(status string) string {
	return map[string]string{"ok": "#d4edda", "new": "#e2e3e5", "bad": "#f8d7da", "warn": "#fff3cd"}[StatusClass(status)]
}

//go:embed html.tmpl
var pageTemplate string

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"class": StatusClass,
	"when":  func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
	"duration": func(d time.Duration) string {
		if d <= 0 {
			return "–"
		}
		return FormatDuration(d)
	},
	"short": func(s string) string { return s[:min(12, len(s))] },
	"index0": func(runs []PageRun) *PageRun {
		if len(runs) == 0 {
			return nil
		}
		return &runs[0]
	},
}).Parse(pageTemplate))

// WriteHTML writes the page.
func WriteHTML(w io.Writer, p Page) error {
	return page.Execute(w, p)
}
