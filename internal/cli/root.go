// Package cli holds the clan-terranix commands: one file per command, each an
// options struct filled by cobra and a plain runX(ctx, opts) behind it, which
// calls the application layer (internal/app) and prints what it returns.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/clan-terranix/clan-terranix/internal/app"
	"github.com/clan-terranix/clan-terranix/internal/gitcli"
)

// Version is set at build time (-ldflags -X).
var Version = "dev"

// GlobalOptions are the flags every command shares.
type GlobalOptions struct {
	ClanDir string
	Engine  string
	JSON    bool
	NoColor bool
	// Flake evaluates through the clan's flake (its clanTerranix output), so
	// that nixosConfig, nixpkgs' lib and the real inventory are available.
	Flake bool
	// Nixpkgs is a nixpkgs (or nixpkgs.lib) checkout whose lib evaluates the
	// clan on nixpkgs' module system; "" discovers one (flake.lock, NIX_PATH).
	Nixpkgs string
	State   StateFlags
	Stdout  io.Writer
	Stderr  io.Writer
	Stdin   io.Reader

	term *terminal // made once per command: one buffer reads stdin
}

// IsTerminal reports whether stdout and stdin are a terminal (prompts and the live view need both).
func (g *GlobalOptions) IsTerminal() bool {
	out, ok := g.Stdout.(*os.File)
	in, ok2 := g.Stdin.(*os.File)
	return ok && ok2 && term.IsTerminal(int(out.Fd())) && term.IsTerminal(int(in.Fd()))
}

// Color reports whether output may use color.
func (g *GlobalOptions) Color() bool {
	if g.NoColor || os.Getenv("NO_COLOR") != "" {
		return false
	}
	out, ok := g.Stdout.(*os.File)
	return ok && term.IsTerminal(int(out.Fd()))
}

// exitError carries an exit code other than 1 (e.g. 2: changes present);
// the application layer's errors come with theirs.
type exitError = app.ExitError

// Main runs the CLI with the process's arguments and returns the exit code.
func Main() int {
	g := &GlobalOptions{Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin}
	ctx, stop := interruptible(context.Background(), g.Stderr)
	defer stop()
	root := NewRootCommand(g)
	root.SetArgs(os.Args[1:])
	stopProfile := startCPUProfile()
	err := root.ExecuteContext(ctx)
	gitcli.RemoveScratchIndexes()
	stopProfile()
	writeRusage()
	if err == nil {
		return 0
	}
	code := 1
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.Code
	}
	if msg := err.Error(); msg != "" {
		fmt.Fprintln(g.Stderr, "clan-terranix: "+msg)
	}
	return code
}

// NewRootCommand builds the command tree around g.
func NewRootCommand(g *GlobalOptions) *cobra.Command {
	root := newRoot(g)
	for _, add := range commands {
		root.AddCommand(add(g))
	}
	return root
}

// runOr runs the command with run, or with runF when a test gave one: the
// seam through which tests see the options the flags parsed into, without
// running anything.
func runOr[O any](ctx context.Context, opts *O, runF func(*O) error, run func(context.Context, *O) error) error {
	if runF != nil {
		return runF(opts)
	}
	return run(ctx, opts)
}

// newRoot is the root command with the global flags, without subcommands.
func newRoot(g *GlobalOptions) *cobra.Command {
	root := &cobra.Command{
		Use:   "clan-terranix",
		Short: "Provision a Clan's infrastructure from Terranix, in order, with state in git",
		Long: `clan-terranix provisions the infrastructure a Clan describes in Nix (Terranix) with
OpenTofu or Terraform: the shared workspace first, then one workspace per machine,
state committed to git, before NixOS is installed on the machines.`,
		Version:       Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(g.Stdout)
	root.SetErr(g.Stderr)
	pf := root.PersistentFlags()
	pf.StringVar(&g.ClanDir, "clan", os.Getenv("CLAN_DIR"), "the clan's directory (default: $CLAN_DIR, or the nearest parent with flake.nix, .clan-flake or inventory/)")
	pf.StringVar(&g.Engine, "engine", "", "tofu or terraform (default: tofu if on PATH, else terraform)")
	pf.BoolVar(&g.JSON, "json", false, "print machine-readable JSON")
	pf.BoolVar(&g.NoColor, "no-color", false, "no colors (also NO_COLOR)")
	pf.BoolVar(&g.Flake, "flake", os.Getenv("CLAN_TERRANIX_FLAKE") != "", "evaluate through the clan's flake output clanTerranix: nixosConfig and nixpkgs' lib available (also CLAN_TERRANIX_FLAKE=1)")
	pf.StringVar(&g.Nixpkgs, "nixpkgs", os.Getenv("CLAN_TERRANIX_NIXPKGS"), "nixpkgs (or nixpkgs.lib) directory whose lib evaluates the Terranix modules (default: $CLAN_TERRANIX_NIXPKGS, the clan flake's locked nixpkgs, <nixpkgs> on NIX_PATH)")
	pf.DurationVar(&g.State.LockTimeout, "lock-timeout", 0, "wait this long for a workspace lock held by another run (default: the settings' lockTimeout, else fail at once)")
	pf.BoolVar(&g.State.NoSafeguards, "no-safeguards", false, "turn the state safeguards (uncommitted or conflicted state, branch behind its remote) into warnings")
	return root
}

// commands lists the constructors of the subcommands; each cmd_*.go file adds itself.
var commands []func(*GlobalOptions) *cobra.Command

func register(c func(*GlobalOptions) *cobra.Command) bool {
	commands = append(commands, c)
	return true
}

// startCPUProfile profiles clan-terranix into CLAN_TERRANIX_CPUPROFILE, for
// the benchmarks (bench/); it returns the function that stops it.
func startCPUProfile() (stop func()) {
	file := os.Getenv("CLAN_TERRANIX_CPUPROFILE")
	if file == "" {
		return func() {}
	}
	f, err := os.Create(file)
	if err != nil {
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// writeRusage records the peak memory and CPU time of clan-terranix itself,
// apart from its tofu, git and nix children, for the benchmarks (bench/):
// GNU time counts the largest child instead.
func writeRusage() {
	file := os.Getenv("CLAN_TERRANIX_RUSAGE_FILE")
	if file == "" {
		return
	}
	var self, children syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &self) != nil || syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children) != nil {
		return
	}
	seconds := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	_ = os.WriteFile(file, []byte(fmt.Sprintf("{\"maxrss_kb\": %d, \"cpu_s\": %.2f, \"children_cpu_s\": %.2f}\n",
		self.Maxrss, seconds(self.Utime)+seconds(self.Stime), seconds(children.Utime)+seconds(children.Stime))), 0o644)
}
