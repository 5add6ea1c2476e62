package cli

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/app"
	"github.com/clan-terranix/clan-terranix/internal/atomicfile"
	"github.com/clan-terranix/clan-terranix/internal/operation"
	"github.com/clan-terranix/clan-terranix/internal/outcome"
	"github.com/clan-terranix/clan-terranix/internal/views"
)

type planOptions struct {
	*GlobalOptions
	Eval             EvalOptions
	Run              RunFlags
	DetailedExitcode bool
	Workspaces       []string
	NoCheck          bool
	// Compact prints only the summary table, without the diffs.
	Compact bool
	// Markdown is a file to write the plan to for a pull request.
	Markdown string
	// Format is how stdout shows the plan: text (diffs and table) or markdown.
	Format string
}

var _ = register(func(g *GlobalOptions) *cobra.Command { return newPlanCommand(g, nil) })

func newPlanCommand(g *GlobalOptions, runF func(*planOptions) error) *cobra.Command {
	opts := &planOptions{GlobalOptions: g}
	cmd := &cobra.Command{
		Use:   "plan [WORKSPACE...]",
		Short: "Show what apply would change",
		Long: `Plan the named workspaces with their dependencies. A workspace whose upstream has
never been applied is skipped: its inputs are unknown until then.
Once all have planned, each workspace's diff is printed as tofu renders it, in dependency
order, then the summary table (--compact: the table only). --json adds each workspace's
resource changes; --markdown FILE writes the plan for a pull request.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Workspaces = args
			return runOr(cmd.Context(), opts, runF, runPlan)
		},
	}
	addEvalFlags(cmd, &opts.Eval)
	addRunFlags(cmd, &opts.Run, false)
	cmd.Flags().BoolVar(&opts.NoCheck, "no-check", false, "skip checking the configs against the providers' schemas first")
	cmd.Flags().BoolVar(&opts.Compact, "compact", false, "only the summary table, without each workspace's diff")
	cmd.Flags().StringVar(&opts.Markdown, "markdown", "", "also write the plan as Markdown for a pull request to `FILE`")
	cmd.Flags().StringVar(&opts.Format, "format", "text", "how stdout shows the plan: text or markdown")
	cmd.Flags().BoolVar(&opts.DetailedExitcode, "detailed-exitcode", false, "exit 2 when any workspace has changes (as tofu plan -detailed-exitcode)")
	return cmd
}

func runPlan(ctx context.Context, opts *planOptions) error {
	if opts.Format != "text" && opts.Format != "markdown" {
		return fmt.Errorf("--format %q: use text or markdown", opts.Format)
	}
	run, selected, err := prepareRun(ctx, opts.GlobalOptions, opts.Eval, operation.Plan, opts.Workspaces, &opts.Run, true)
	if err != nil {
		return err
	}
	oo := app.OperateOptions{Check: !opts.NoCheck}
	oo.Show, opts.Run.view = planPresentation(opts)
	results, err := operate(ctx, opts.GlobalOptions, run, operation.Plan, selected, &opts.Run, oo)
	if err != nil {
		return err
	}
	if opts.DetailedExitcode {
		for _, r := range results {
			if r.Status == outcome.StatusOK {
				return &exitError{Code: 2}
			}
		}
	}
	return nil
}

// planPresentation says which plans to show and how to show the results:
// the Markdown file and format need every plan (drift counts too), --json
// the structured changes, the text view the diffs unless --compact.
func planPresentation(opts *planOptions) (operation.ShowPlans, views.Operation) {
	show := operation.ShowChanged
	switch {
	case opts.Markdown != "" || opts.Format == "markdown":
		show = operation.ShowAll
	case opts.Compact && !opts.JSON:
		show = operation.ShowNone
	}
	view := views.NewPlan(views.KindOf(opts.JSON), streams(opts.GlobalOptions), views.PlanFormat{Compact: opts.Compact, Markdown: opts.Format == "markdown"})
	if opts.Markdown == "" {
		return show, view
	}
	return show, markdownFile{view, opts.Markdown}
}

// markdownFile writes the Markdown plan to a file (--markdown FILE) before
// the plan's view shows the results.
type markdownFile struct {
	views.Operation
	path string
}

func (m markdownFile) Results(command string, started, finished time.Time, results []outcome.Result) error {
	var md bytes.Buffer
	if err := views.WriteMarkdownPlan(&md, command, results); err != nil {
		return err
	}
	if err := atomicfile.Write(m.path, md.Bytes(), 0o644); err != nil {
		return fmt.Errorf("--markdown %s: %v", m.path, err)
	}
	return m.Operation.Results(command, started, finished, results)
}
