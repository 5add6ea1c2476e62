package views

import (
	"fmt"

	"github.com/clan-terranix/clan-terranix/internal/check"
)

// Check is the view of `check` and of the check before plan and apply.
type Check interface {
	// Checked is check's result: checked workspaces, the problems found.
	Checked(checked int, problems []check.Problem) error
	// Problems names every problem on stderr, one line each, in both kinds:
	// they go with the command's failure.
	Problems(problems []check.Problem)
}

func NewCheck(k Kind, s Streams) Check {
	return pick[Check](k, checkHuman{s}, checkJSON{s})
}

type checkHuman struct{ s Streams }

func (v checkHuman) Checked(checked int, problems []check.Problem) error {
	if len(problems) > 0 {
		return nil // Problems says them, on stderr
	}
	_, err := fmt.Fprintf(v.s.Stdout, "%d workspaces checked: no problems\n", checked)
	return err
}

func (v checkHuman) Problems(problems []check.Problem) { writeProblems(v.s, problems) }

type checkJSON struct{ s Streams }

func (v checkJSON) Checked(_ int, problems []check.Problem) error {
	return writeJSONEscaped(v.s.Stdout, map[string]any{"problems": nonNil(problems)})
}

func (v checkJSON) Problems(problems []check.Problem) { writeProblems(v.s, problems) }

func writeProblems(s Streams, problems []check.Problem) {
	for _, p := range problems {
		fmt.Fprintln(s.Stderr, "clan-terranix: "+p.Error())
	}
}
