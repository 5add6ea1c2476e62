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
	"github.com/clan-terranix/clan-terranix/internal/views"
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
	views.NewReview(streams(g)).Confirm(ws, planText)
	line, err := t.stdin().ReadString('\n')
	if err != nil && line == "" {
		return false, fmt.Errorf("workspace %s: no answer on standard input", ws)
	}
	return strings.TrimSpace(line) == "yes", nil
}

func (t *terminal) ShowPlans(results []outcome.Result) error {
	return views.NewReview(streams(t.g)).Diffs(results)
}

func (t *terminal) ReviewFailed(results []outcome.Result) error {
	now := time.Now()
	return views.NewOperation(views.KindOf(t.g.JSON), streams(t.g)).Results("plan", now, now, results)
}

func (t *terminal) AskApply(c outcome.Counts, later []string) (bool, error) {
	view := views.NewReview(streams(t.g))
	view.Question(c, later)
	ok, err := askYes(t.stdin())
	if err == nil && !ok {
		view.Declined()
	}
	return ok, err
}

func (t *terminal) PlanChanged(ws string) {
	views.NewReview(streams(t.g)).PlanChanged(ws)
}

func askYes(in *bufio.Reader) (bool, error) {
	line, err := in.ReadString('\n')
	if err != nil && line == "" {
		return false, errors.New("no answer on standard input")
	}
	return strings.TrimSpace(line) == "yes", nil
}
