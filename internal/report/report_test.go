package report

import (
	"bytes"
	"flag"
	"path/filepath"
	"testing"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/outcome"
	"github.com/clan-terranix/clan-terranix/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	testenv.Golden(t, filepath.Join("testdata", name), got, *update)
}

// sampleResults has one workspace of every kind.
func sampleResults() []outcome.Result {
	started := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	return []outcome.Result{
		{Workspace: "shared", Status: outcome.StatusOK, Add: 3, Duration: 2100 * time.Millisecond, Started: started,
			LogPath: ".clan-terranix/logs/run-1/shared.log"},
		{Workspace: "db", Status: outcome.StatusNoChanges, Duration: 950 * time.Millisecond, Started: started.Add(3 * time.Second),
			Outputs: map[string]any{"address": "10.0.0.2", "port": float64(5432)}},
		{Workspace: "monitor", Status: outcome.StatusUnchanged},
		{Workspace: "web-frontend", Status: outcome.StatusFailed, Add: 1, Duration: 75 * time.Second, Started: started.Add(3 * time.Second),
			Error:     "Error: creating instance: 403 Forbidden\nmore detail",
			LogPath:   ".clan-terranix/logs/run-1/web-frontend.log",
			ErrorTail: []string{"Error: creating instance: 403 Forbidden", "  with hcloud_server.web,", "  on config.tf.json line 1"}},
		{Workspace: "proxy", Status: outcome.StatusSkipped, SkippedBecause: "web-frontend"},
		{Workspace: "backup", Status: outcome.StatusSkipped, SkippedBecause: outcome.SkippedInterrupted},
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                                       "0.0s",
		420 * time.Millisecond:                  "0.4s",
		12345 * time.Millisecond:                "12.3s",
		65 * time.Second:                        "1m05s",
		59*time.Minute + 59700*time.Millisecond: "1h00m",
		2*time.Hour + 3*time.Minute:             "2h03m",
	} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestSkipReason(t *testing.T) {
	for because, want := range map[string]string{
		"":                         "skipped",
		"shared":                   "skipped (shared failed)",
		outcome.SkippedFailFast:    "skipped (fail-fast)",
		outcome.SkippedInterrupted: "skipped (interrupted)",
	} {
		if got := SkipReason(because); got != want {
			t.Errorf("SkipReason(%q) = %q, want %q", because, got, want)
		}
	}
}

func TestStyle(t *testing.T) {
	if s := (Style{}).Red("x"); s != "x" {
		t.Errorf("no colour: %q", s)
	}
	if s := (Style{Color: true}).Red("x"); s != "\x1b[31mx\x1b[0m" {
		t.Errorf("colour: %q", s)
	}
	// A buffer is no terminal, so no colour whatever the flags say.
	t.Setenv("NO_COLOR", "")
	if NewStyle(false, &bytes.Buffer{}).Color {
		t.Error("colour on a non-terminal")
	}
	if IsTerminal(&bytes.Buffer{}) {
		t.Error("a buffer is a terminal?")
	}
}
