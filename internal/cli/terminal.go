package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/app"
	"github.com/clan-terranix/clan-terranix/internal/outcome"
	"github.com/clan-terranix/clan-terranix/internal/report"
)

// terminal is the application layer's UI on the command's stdout, stderr
// and stdin: warnings and progress on stderr, plans and questions on stdout,
// answers read from stdin through one buffer for the whole command.
type terminal struct {
	g *GlobalOptions

	once sync.Once
	in   *bufio.Reader
}

var _ app.UI = (*terminal)(nil)

// ui is the command's terminal.
func (g *GlobalOptions) ui() *terminal {
	if g.term == nil {
		g.term = &terminal{g: g}
	}
	return g.term
}

func (t *terminal) stdin() *bufio.Reader {
	t.once.Do(func() { t.in = bufio.NewReader(t.g.Stdin) })
	return t.in
}

func (t *terminal) Warn(msgs []string) { warn(t.g.Stderr, msgs) }

func (t *terminal) Display(command string, total int) report.Display {
	return newDisplay(t.g, command, total)
}

func (t *terminal) Interactive() bool { return t.g.IsTerminal() }

// Confirm shows tofu's plan and asks.
func (t *terminal) Confirm(ctx context.Context, ws, planText string) (bool, error) {
	g := t.g
	fmt.Fprintf(g.Stdout, "\n── %s ──\n%s\n", ws, strings.TrimSpace(planText))
	fmt.Fprintf(g.Stdout, "Apply these changes to %s? Only 'yes' will be accepted: ", ws)
	line, err := t.stdin().ReadString('\n')
	if err != nil && line == "" {
		return false, fmt.Errorf("workspace %s: no answer on standard input", ws)
	}
	return strings.TrimSpace(line) == "yes", nil
}

func (t *terminal) ShowPlans(results []outcome.Result) error {
	return report.WriteDiffs(t.g.Stdout, results, report.NewStyle(t.g.NoColor, t.g.Stdout))
}

func (t *terminal) ReviewFailed(results []outcome.Result) error {
	return printResults(t.g, "plan", time.Now(), results)
}

func (t *terminal) AskApply(c outcome.Counts, later []string) (bool, error) {
	fmt.Fprint(t.g.Stdout, reviewQuestion(c, later))
	ok, err := askYes(t.stdin())
	if err == nil && !ok {
		fmt.Fprintln(t.g.Stdout, "Nothing applied.")
	}
	return ok, err
}

func (t *terminal) PlanChanged(ws string) {
	fmt.Fprintf(t.g.Stdout, "\nThe plan of %s changed since it was shown (a workspace it reads was applied):", ws)
}

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

func askYes(in *bufio.Reader) (bool, error) {
	line, err := in.ReadString('\n')
	if err != nil && line == "" {
		return false, errors.New("no answer on standard input")
	}
	return strings.TrimSpace(line) == "yes", nil
}
