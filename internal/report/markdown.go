package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/clan-terranix/clan-terranix/internal/outcome"
)

// markdownBudget keeps a report within what a pull-request comment takes
// (GitHub stops at 65536 characters); diffs past it are left out, named.
const markdownBudget = 60000

// WriteMarkdown writes a plan for a pull request: a summary table and each
// workspace's diff in a collapsible block, in the order given. Nothing in it
// depends on time or the machine, so the same plan gives the same bytes.
func WriteMarkdown(w io.Writer, command string, results []outcome.Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### clan-terranix %s\n\n", command)
	b.WriteString("| Workspace | Result | Add | Change | Destroy | Drift |\n")
	b.WriteString("|:--|:--|--:|--:|--:|--:|\n")
	for _, r := range results {
		drift := 0
		if r.Plan != nil {
			drift = len(r.Plan.Drift)
		}
		fmt.Fprintf(&b, "| `%s` | %s | %d | %d | %d | %d |\n", r.Workspace, markdownCell(markdownResult(r, command)),
			r.Add, r.Change, r.Destroy, drift)
	}
	b.WriteString("\n" + countLine(outcome.Count(results)) + "\n")
	var left []string
	for _, r := range results {
		if !HasDiff(r) {
			continue
		}
		block := markdownDiff(r)
		if b.Len()+len(block) > markdownBudget {
			left = append(left, r.Workspace)
			continue
		}
		b.WriteString("\n" + block)
	}
	if len(left) > 0 {
		fmt.Fprintf(&b, "\nDiffs left out to fit a comment: %s (run `clan-terranix %s %s` to see them).\n",
			strings.Join(left, ", "), command, strings.Join(left, " "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func markdownResult(r outcome.Result, command string) string {
	switch r.Status {
	case outcome.StatusOK:
		if command == "plan" || command == "drift" {
			return "changes"
		}
		return doneVerb(command)
	case outcome.StatusFailed:
		if msg := firstLine(r.Error); msg != "" {
			return "failed: " + msg
		}
		return "failed"
	case outcome.StatusSkipped:
		return SkipReason(r.SkippedBecause)
	}
	return string(r.Status)
}

// markdownCell keeps a value inside its table cell.
func markdownCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;").Replace(s)
}

// markdownDiff is one workspace's diff, collapsed, as a diff code block:
// tofu's markers are moved to the first column, where renderers colour them.
func markdownDiff(r outcome.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<details><summary><code>%s</code>: %s</summary>\n\n```diff\n", r.Workspace, FormatChanges(r.Add, r.Change, r.Destroy))
	for _, line := range strings.Split(r.Plan.Text, "\n") {
		t := strings.TrimLeft(line, " ")
		marker := " "
		switch {
		case strings.HasPrefix(t, "-/+ "), strings.HasPrefix(t, "+/- "), strings.HasPrefix(t, "~ "):
			marker = "!"
		case strings.HasPrefix(t, "+ "):
			marker = "+"
		case strings.HasPrefix(t, "- "):
			marker = "-"
		}
		b.WriteString(strings.TrimRight(marker+line, " ") + "\n")
	}
	b.WriteString("```\n\n</details>\n")
	return b.String()
}
