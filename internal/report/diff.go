package report

import (
	"io"
	"strings"

	"github.com/clan-terranix/clan-terranix/internal/outcome"
)

// WriteDiffs prints the diff of every result whose plan was shown and has
// something to review, in the order given (the run's dependency order),
// each under its workspace's name:
//
//	── web-server ──
//	  # aws_instance.web will be updated in-place
//	  ...
//	Plan: 0 to add, 1 to change, 0 to destroy.
func WriteDiffs(w io.Writer, results []outcome.Result, style Style) error {
	var b strings.Builder
	for _, r := range results {
		if !HasDiff(r) {
			continue
		}
		b.WriteString(style.Bold("── "+r.Workspace+" ──") + "\n")
		b.WriteString(paintDiff(r.Plan.Text, style) + "\n\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// HasDiff reports whether r's plan was shown and changes something or found drift.
func HasDiff(r outcome.Result) bool {
	return r.Plan != nil && strings.TrimSpace(r.Plan.Text) != "" && (r.Add+r.Change+r.Destroy > 0 || len(r.Plan.Changes) > 0 || len(r.Plan.Drift) > 0 || r.Status == outcome.StatusOK)
}

// paintDiff colours tofu's markers as tofu does on a terminal.
func paintDiff(text string, style Style) string {
	if !style.Color {
		return text
	}
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		t := strings.TrimLeft(line, " ")
		switch {
		case strings.HasPrefix(t, "+ "):
			lines[i] = style.Green(line)
		case strings.HasPrefix(t, "- "), strings.HasPrefix(t, "-/+ "):
			lines[i] = style.Red(line)
		case strings.HasPrefix(t, "~ "):
			lines[i] = style.Yellow(line)
		case strings.HasPrefix(t, "# "):
			lines[i] = style.Bold(line)
		}
	}
	return strings.Join(lines, "\n")
}
