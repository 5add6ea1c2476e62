package report

import (
	"fmt"
	"strings"
	"time"
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
	case SkippedFailFast, SkippedInterrupted:
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

// outcome is the one-line description of a finished workspace without its
// name, shared by the live view and the plain lines.
func outcome(r Result, command string) string {
	switch r.Status {
	case StatusOK:
		return doneVerb(command) + " " + FormatChanges(r.Add, r.Change, r.Destroy) + "  " + FormatDuration(r.Duration)
	case StatusNoChanges:
		return "no changes  " + FormatDuration(r.Duration)
	case StatusUnchanged:
		return "unchanged"
	case StatusFailed:
		text := "failed"
		if msg := firstLine(r.Error); msg != "" {
			text += ": " + msg
		}
		if r.LogPath != "" {
			text += "  log: " + r.LogPath
		}
		return text
	case StatusSkipped:
		return SkipReason(r.SkippedBecause)
	}
	return string(r.Status)
}

// Counts tallies results by status, and their resource changes.
type Counts struct {
	Total     int `json:"total"`
	OK        int `json:"ok"`
	NoChanges int `json:"no_changes"`
	Unchanged int `json:"unchanged"`
	Failed    int `json:"failed"`
	Skipped   int `json:"skipped"`
	Add       int `json:"add"`
	Change    int `json:"change"`
	Destroy   int `json:"destroy"`
}

// Count tallies results.
func Count(results []Result) Counts {
	var c Counts
	for _, r := range results {
		c.Total++
		c.Add += r.Add
		c.Change += r.Change
		c.Destroy += r.Destroy
		switch r.Status {
		case StatusOK:
			c.OK++
		case StatusNoChanges:
			c.NoChanges++
		case StatusUnchanged:
			c.Unchanged++
		case StatusFailed:
			c.Failed++
		case StatusSkipped:
			c.Skipped++
		}
	}
	return c
}
