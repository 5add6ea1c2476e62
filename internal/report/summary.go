package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/clan-terranix/clan-terranix/internal/outcome"
)

// WriteSummary prints the end-of-run table, one row per result in the
// given order, and a count line:
//
//	WORKSPACE  RESULT                CHANGES   DURATION
//	shared     ok                    +3 ~0 -0      2.1s
//	web        failed                              4.0s
//	api        skipped (web failed)
//
//	3 workspaces: 1 ok, 1 failed, 1 skipped; +3 ~0 -0
func WriteSummary(w io.Writer, results []outcome.Result, color bool) error {
	style := Style{Color: color}
	header := []string{"WORKSPACE", "RESULT", "CHANGES", "DURATION"}
	rows := make([][]string, 0, len(results))
	for _, r := range results {
		rows = append(rows, summaryRow(r))
	}
	widths := make([]int, len(header))
	for _, row := range append([][]string{header}, rows...) {
		for i, cell := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}

	var b strings.Builder
	writeRow := func(cells []string, paint func(col int, padded string) string) {
		var line strings.Builder
		for i, cell := range cells {
			if i > 0 {
				line.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell))
			if i == len(cells)-1 { // durations line up on the right
				line.WriteString(pad + paint(i, cell))
			} else {
				line.WriteString(paint(i, cell) + pad)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	writeRow(header, func(_ int, s string) string { return style.Bold(s) })
	for k, row := range rows {
		st := results[k].Status
		writeRow(row, func(col int, s string) string {
			if col == 1 {
				return style.Status(st, s)
			}
			return s
		})
	}
	b.WriteString("\n" + countLine(outcome.Count(results)) + "\n")
	for _, r := range results {
		if line := OrphansLine(r); line != "" {
			b.WriteString(style.Status(outcome.StatusFailed, "possible orphans") + strings.TrimPrefix(line, "possible orphans") + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func summaryRow(r outcome.Result) []string {
	result, changes, duration := string(r.Status), "", ""
	switch r.Status {
	case outcome.StatusOK:
		changes = FormatChanges(r.Add, r.Change, r.Destroy)
	case outcome.StatusFailed:
		if r.Add+r.Change+r.Destroy > 0 { // a partial apply
			changes = FormatChanges(r.Add, r.Change, r.Destroy)
		}
	case outcome.StatusSkipped:
		result = SkipReason(r.SkippedBecause)
	}
	if r.Status != outcome.StatusSkipped && r.Duration > 0 {
		duration = FormatDuration(r.Duration)
	}
	return []string{r.Workspace, result, changes, duration}
}

// OrphansLine names a result's possible orphans and what to do about them
// ("" when there are none).
func OrphansLine(r outcome.Result) string {
	if len(r.PossibleOrphans) == 0 {
		return ""
	}
	return fmt.Sprintf("possible orphans in %s: %s (tofu stopped while creating them and they are not known to be in its state: check whether they exist, then import them with `clan-terranix tofu %s -- import ADDR ID` or delete them)",
		r.Workspace, strings.Join(r.PossibleOrphans, ", "), r.Workspace)
}

// countLine is "5 workspaces: 2 ok, 1 failed, 2 skipped; +3 ~1 -0".
func countLine(c outcome.Counts) string {
	noun := "workspaces"
	if c.Total == 1 {
		noun = "workspace"
	}
	var parts []string
	for _, p := range []struct {
		n    int
		word outcome.Status
	}{{c.OK, outcome.StatusOK}, {c.NoChanges, outcome.StatusNoChanges}, {c.Unchanged, outcome.StatusUnchanged},
		{c.Failed, outcome.StatusFailed}, {c.Skipped, outcome.StatusSkipped}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.word))
		}
	}
	if len(parts) == 0 {
		return "0 workspaces"
	}
	return fmt.Sprintf("%d %s: %s; %s", c.Total, noun, strings.Join(parts, ", "), FormatChanges(c.Add, c.Change, c.Destroy))
}
