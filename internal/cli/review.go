package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/operation"
	"github.com/clan-terranix/clan-terranix/internal/report"
	"github.com/clan-terranix/clan-terranix/internal/run"
)

// reviewApply plans the whole selection first, shows every diff in
// dependency order and asks once. It returns the Confirm of the apply that
// follows: a workspace whose plan, made again in its turn, is the one shown
// applies without asking; one that differs (an upstream applied in this run
// changed what it reads) or could not be planned before (its upstream was
// never applied) shows its new plan and asks for itself. A nil Confirm and
// nil error: the user said no, nothing ran.
func reviewApply(ctx context.Context, g *GlobalOptions, runner *operation.Runner, lc *loadedClan, selected []string, rf *RunFlags) (operation.Confirm, error) {
	display := newDisplay(g, "plan", len(selected))
	runner.Sink, runner.Show = display, operation.ShowChanged
	results := run.Run(ctx, lc.Graph, selected, run.Options{
		Parallelism: parallelismOf(lc, rf),
		Prepare: func(ctx context.Context, ws string, ahead bool) {
			runner.Prepare(ctx, operation.Plan, ws, ahead)
		},
	}, func(ctx context.Context, ws string) report.Result { return runner.Run(ctx, operation.Plan, ws) }, display)
	runner.ReleasePrepared()
	runner.Show = operation.ShowNone
	display.Close()
	if err := report.WriteDiffs(g.Stdout, results, report.NewStyle(g.NoColor, g.Stdout)); err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, &exitError{code: 130, err: errors.New("interrupted before anything was applied")}
	}
	reviewed := map[string]string{}
	var later []string
	for _, r := range results {
		switch {
		case r.Status == report.StatusFailed:
			_ = printResults(g, "plan", time.Now(), results)
			return nil, &exitError{code: 1, err: fmt.Errorf("nothing applied: the plan of %s failed", r.Workspace)}
		case r.Status == report.StatusSkipped:
			later = append(later, r.Workspace)
		case r.Plan != nil:
			reviewed[r.Workspace] = r.Plan.Text
		}
	}
	c := report.Count(results)
	in := bufio.NewReader(g.Stdin)
	if c.OK > 0 {
		fmt.Fprint(g.Stdout, reviewQuestion(c, later))
		ok, err := askYes(in)
		if err != nil {
			return nil, err
		}
		if !ok {
			fmt.Fprintln(g.Stdout, "Nothing applied.")
			return nil, nil
		}
	}
	var mu sync.Mutex // workspaces of a wave may ask at once
	ask := confirmOn(g, in)
	return func(ctx context.Context, ws, planText string) (bool, error) {
		mu.Lock()
		defer mu.Unlock()
		shown, ok := reviewed[ws]
		if ok && shown == report.NewPlanDetail(planText, nil).Text {
			return true, nil
		}
		if ok {
			fmt.Fprintf(g.Stdout, "\nThe plan of %s changed since it was shown (a workspace it reads was applied):", ws)
		}
		return ask(ctx, ws, planText)
	}, nil
}

func reviewQuestion(c report.Counts, later []string) string {
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

// parallelismOf is the run's parallelism: the flag, else the settings'.
func parallelismOf(lc *loadedClan, rf *RunFlags) int {
	if rf.Parallelism != 0 {
		return rf.Parallelism
	}
	return lc.Settings.Parallelism
}
