// Package report renders what happens during a run: a live terminal view,
// plain prefixed lines for CI, the summary table, the JSON run report, plan
// diffs, the Markdown plan and the HTML report page. It renders the domain's
// values (package outcome) and computes none of them.
package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/outcome"
)

// FormatDuration prints a duration the way people read run times: "0.4s",
// "12.3s", "1m05s", "1h02m".
func FormatDuration(d time.Duration) string {
	// Round before choosing the unit, or 59.97s would print as "60.0s".
	if d = d.Round(100 * time.Millisecond); d < time.Minute {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	if d = d.Round(time.Second); d < time.Hour {
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	d = d.Round(time.Minute)
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// FormatChanges prints resource counts as "+add ~change -destroy".
func FormatChanges(add, change, destroy int) string {
	return fmt.Sprintf("+%d ~%d -%d", add, change, destroy)
}

// doneVerb is what StatusOK means for a command: "applied", "planned" ...
func doneVerb(command string) string {
	switch command {
	case "apply":
		return "applied"
	case "plan", "drift":
		return "planned"
	case "destroy":
		return "destroyed"
	}
	return "ok"
}

// SkipReason spells out why a workspace was skipped: "skipped (shared failed)".
func SkipReason(because string) string {
	switch because {
	case "":
		return "skipped"
	case outcome.SkippedFailFast, outcome.SkippedInterrupted:
		return "skipped (" + because + ")"
	}
	if strings.Contains(because, " ") {
		// A reason in words ("shared not applied yet", "not confirmed"),
		// not the name of a failed workspace (names have no spaces).
		return "skipped (" + because + ")"
	}
	return "skipped (" + because + " failed)"
}

// firstLine is the first non-empty line of s, for one-line error displays.
func firstLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return line
		}
	}
	return ""
}

// resultLine is the one-line description of a finished workspace without its
// name, shared by the live view and the plain lines.
func resultLine(r outcome.Result, command string) string {
	switch r.Status {
	case outcome.StatusOK:
		return doneVerb(command) + " " + FormatChanges(r.Add, r.Change, r.Destroy) + "  " + FormatDuration(r.Duration)
	case outcome.StatusNoChanges:
		return "no changes  " + FormatDuration(r.Duration)
	case outcome.StatusUnchanged:
		return "unchanged"
	case outcome.StatusFailed:
		text := "failed"
		if msg := firstLine(r.Error); msg != "" {
			text += ": " + msg
		}
		if r.LogPath != "" {
			text += "  log: " + r.LogPath
		}
		return text
	case outcome.StatusSkipped:
		return SkipReason(r.SkippedBecause)
	}
	return string(r.Status)
}
