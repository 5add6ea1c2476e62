package views

import (
	"fmt"
	"strings"

	"github.com/clan-terranix/clan-terranix/internal/outcome"
	"github.com/clan-terranix/clan-terranix/internal/report"
)

// Review is what apply shows and asks on the terminal before it changes
// anything: the diffs of the whole selection, one question, and a workspace's
// own question when its plan changed since. It is a conversation, the same
// with --json.
type Review struct{ s Streams }

func NewReview(s Streams) Review { return Review{s} }

// Diffs shows the diff of every workspace whose plan changes something.
func (v Review) Diffs(results []outcome.Result) error {
	return report.WriteDiffs(v.s.Stdout, results, report.NewStyle(v.s.NoColor, v.s.Stdout))
}

// Question asks once for the planned changes c; later are the workspaces
// planned only once what they read is applied.
func (v Review) Question(c outcome.Counts, later []string) {
	fmt.Fprint(v.s.Stdout, reviewQuestion(c, later))
}

// reviewQuestion is Question's text.
func reviewQuestion(c outcome.Counts, later []string) string {
	noun := "workspaces"
	if c.OK == 1 {
		noun = "workspace"
	}
	q := fmt.Sprintf("Apply these changes (%d %s, %s)?", c.OK, noun, report.FormatChanges(c.Add, c.Change, c.Destroy))
	if len(later) > 0 {
		q = fmt.Sprintf("%s %s will be planned once what it reads is applied, and asked about then.", q, strings.Join(later, ", "))
	}
	return q + " Only 'yes' will be accepted: "
}

// Declined says that the answer was not yes.
func (v Review) Declined() { fmt.Fprintln(v.s.Stdout, "Nothing applied.") }

// PlanChanged introduces a workspace's new plan, shown by Confirm next.
func (v Review) PlanChanged(ws string) {
	fmt.Fprintf(v.s.Stdout, "\nThe plan of %s changed since it was shown (a workspace it reads was applied):", ws)
}

// Confirm shows one workspace's plan and asks whether to apply it.
func (v Review) Confirm(ws, planText string) {
	fmt.Fprintf(v.s.Stdout, "\n── %s ──\n%s\n", ws, strings.TrimSpace(planText))
	fmt.Fprintf(v.s.Stdout, "Apply these changes to %s? Only 'yes' will be accepted: ", ws)
}
