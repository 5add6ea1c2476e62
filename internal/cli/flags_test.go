package cli

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/clan-terranix/clan-terranix/internal/app"
)

// parseFlags runs the command newCmd builds, under a root with the global
// flags, through its runF seam: it returns the options the flags parsed
// into (nil when the command did not get to run) and cobra's error. Nothing
// is run: no clan, no tofu.
func parseFlags[O any](t *testing.T, newCmd func(*GlobalOptions, func(*O) error) *cobra.Command, args ...string) (*GlobalOptions, *O, error) {
	t.Helper()
	t.Setenv("CLAN_DIR", "")
	t.Setenv("CLAN_TERRANIX_FLAKE", "")
	t.Setenv("CLAN_TERRANIX_NIXPKGS", "")
	var out, errOut bytes.Buffer
	g := &GlobalOptions{Stdout: &out, Stderr: &errOut, Stdin: strings.NewReader("")}
	root := newRoot(g)
	var got *O
	root.AddCommand(newCmd(g, func(o *O) error { got = o; return nil }))
	root.SetArgs(args)
	return g, got, root.Execute()
}

// flagCase is one command line: the options it must parse into (want gets
// the command's GlobalOptions), or the error it must fail with.
type flagCase[O any] struct {
	args    []string
	want    func(g *GlobalOptions) *O
	wantErr string
}

func runFlagCases[O any](t *testing.T, newCmd func(*GlobalOptions, func(*O) error) *cobra.Command, cases []flagCase[O]) {
	t.Helper()
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			g, got, err := parseFlags(t, newCmd, c.args...)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, c.wantErr)
				}
				if got != nil {
					t.Errorf("the command ran despite the flag error: %+v", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// Printed, a nil and an empty list are alike, as they are to the run.
			if got, want := fmt.Sprintf("%+v", got), fmt.Sprintf("%+v", c.want(g)); got != want {
				t.Errorf("options =\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func TestApplyFlags(t *testing.T) {
	runFlagCases(t, newApplyCommand, []flagCase[applyOptions]{
		{args: []string{"apply", "web"}, want: func(g *GlobalOptions) *applyOptions {
			return &applyOptions{GlobalOptions: g, Workspaces: []string{"web"}}
		}},
		{args: []string{"apply", "--all", "--tags", "a,b", "--tags", "c", "--no-deps", "--with-dependents", "--parallelism", "3",
			"--fail-fast", "-y", "--changed", "--no-check", "--show-trace", "--with-nulls"}, want: func(g *GlobalOptions) *applyOptions {
			return &applyOptions{GlobalOptions: g, NoCheck: true, Eval: EvalOptions{ShowTrace: true, WithNulls: true},
				Run: RunFlags{RunFlags: app.RunFlags{All: true, Tags: []string{"a", "b", "c"}, NoDeps: true, WithDependents: true, Parallelism: 3, FailFast: true, Yes: true, Changed: true}}}
		}},
		{args: []string{"--clan", "/c", "--json", "--engine", "terraform", "--lock-timeout", "5s", "--no-safeguards", "--flake", "apply", "a", "b"},
			want: func(g *GlobalOptions) *applyOptions {
				if g.ClanDir != "/c" || !g.JSON || g.Engine != "terraform" || g.State.LockTimeout != 5*time.Second || !g.State.NoSafeguards || !g.Flake {
					t.Errorf("global options = %+v", g)
				}
				return &applyOptions{GlobalOptions: g, Workspaces: []string{"a", "b"}}
			}},
		{args: []string{"apply", "--parallelism", "0"}, wantErr: "from 1 to"},
		{args: []string{"apply", "--parallelism", "many"}, wantErr: "from 1 to"},
		{args: []string{"apply", "--detailed-exitcode"}, wantErr: "unknown flag"},
	})
}

func TestPlanFlags(t *testing.T) {
	runFlagCases(t, newPlanCommand, []flagCase[planOptions]{
		{args: []string{"plan", "--all"}, want: func(g *GlobalOptions) *planOptions {
			return &planOptions{GlobalOptions: g, Run: RunFlags{RunFlags: app.RunFlags{All: true}}, Format: "text"}
		}},
		{args: []string{"plan", "web", "--compact", "--markdown", "out.md", "--format", "markdown", "--detailed-exitcode", "--changed", "--no-check"},
			want: func(g *GlobalOptions) *planOptions {
				return &planOptions{GlobalOptions: g, Workspaces: []string{"web"}, Compact: true, Markdown: "out.md", Format: "markdown",
					DetailedExitcode: true, NoCheck: true, Run: RunFlags{RunFlags: app.RunFlags{Changed: true}}}
			}},
		// --format is checked by the run (runPlan), not by cobra: it parses.
		{args: []string{"plan", "--format", "html"}, want: func(g *GlobalOptions) *planOptions {
			return &planOptions{GlobalOptions: g, Format: "html"}
		}},
		{args: []string{"plan", "--yes"}, wantErr: "unknown flag: --yes"},
		{args: []string{"plan", "--markdown"}, wantErr: "needs an argument"},
	})
}

func TestInstallFlags(t *testing.T) {
	runFlagCases(t, newInstallCommand, []flagCase[installOptions]{
		{args: []string{"install", "m1"}, want: func(g *GlobalOptions) *installOptions {
			return &installOptions{GlobalOptions: g, Machine: "m1"}
		}},
		{args: []string{"install", "m1", "--dry-run", "--reinstall", "--ssh-timeout", "2m", "-y", "--parallelism", "2", "--show-trace"},
			want: func(g *GlobalOptions) *installOptions {
				return &installOptions{GlobalOptions: g, Machine: "m1", DryRun: true, Reinstall: true, SSHTimeout: 2 * time.Minute,
					Run: RunFlags{RunFlags: app.RunFlags{Yes: true, Parallelism: 2}}, Eval: EvalOptions{ShowTrace: true}}
			}},
		{args: []string{"install"}, wantErr: "accepts 1 arg(s), received 0"},
		{args: []string{"install", "m1", "m2"}, wantErr: "accepts 1 arg(s), received 2"},
		{args: []string{"install", "m1", "--all"}, wantErr: "unknown flag: --all"},
		{args: []string{"install", "m1", "--ssh-timeout", "soon"}, wantErr: "invalid argument"},
	})
}

func TestOutputFlags(t *testing.T) {
	runFlagCases(t, newOutputCommand, []flagCase[outputOptions]{
		{args: []string{"output", "a", "b"}, want: func(g *GlobalOptions) *outputOptions {
			return &outputOptions{GlobalOptions: g, Workspaces: []string{"a", "b"}}
		}},
		{args: []string{"--json", "output", "--all"}, want: func(g *GlobalOptions) *outputOptions {
			if !g.JSON {
				t.Error("--json before the command not parsed")
			}
			return &outputOptions{GlobalOptions: g, All: true}
		}},
		{args: []string{"output", "--tags", "x"}, wantErr: "unknown flag: --tags"},
	})
}

func TestStateMigrateFlags(t *testing.T) {
	runFlagCases(t, newStateMigrateCommand, []flagCase[stateMigrateOptions]{
		{args: []string{"migrate", "--to", "pg", "--all"}, want: func(g *GlobalOptions) *stateMigrateOptions {
			return &stateMigrateOptions{GlobalOptions: g, To: "pg", All: true}
		}},
		{args: []string{"migrate", "--to=git", "shared", "m1"}, want: func(g *GlobalOptions) *stateMigrateOptions {
			return &stateMigrateOptions{GlobalOptions: g, To: "git", Workspaces: []string{"shared", "m1"}}
		}},
		// Where the state may go is the run's to judge (one line naming the value).
		{args: []string{"migrate", "--to", "ftp", "shared"}, want: func(g *GlobalOptions) *stateMigrateOptions {
			return &stateMigrateOptions{GlobalOptions: g, To: "ftp", Workspaces: []string{"shared"}}
		}},
		{args: []string{"migrate", "--to"}, wantErr: "needs an argument"},
	})
}

func TestDestroyFlags(t *testing.T) {
	runFlagCases(t, newDestroyCommand, []flagCase[destroyOptions]{
		{args: []string{"destroy", "m1", "--with-dependents", "--yes"}, want: func(g *GlobalOptions) *destroyOptions {
			return &destroyOptions{GlobalOptions: g, Workspaces: []string{"m1"}, Run: RunFlags{RunFlags: app.RunFlags{WithDependents: true, Yes: true}}}
		}},
		{args: []string{"destroy", "--no-check"}, wantErr: "unknown flag: --no-check"},
	})
}
