// Package acceptance runs testdata/*.txtar with testscript against the real
// clan-terranix binary, built fresh from this checkout, with real tofu, nix
// and git from scripts/bootstrap.
//
// Besides testscript's own commands a script has:
//
//	example NAME DIR   copy examples/NAME into DIR and make it a git repo with one commit
//
// and these variables: HOME=$WORK/home, NO_COLOR=1, TF_CLI_CONFIG_FILE (the
// offline provider mirror), NIX_CONFIG, a fixed git identity, REPO (the checkout),
// UPSTREAM (the upstream snapshots, when found: condition [upstream]).
package acceptance

import (
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/clan-terranix/clan-terranix/internal/testenv"
	"github.com/rogpeppe/go-internal/testscript"
)

var (
	// binDir holds the clan-terranix binary that TestMain built.
	binDir string
	// goEnv is the go command's own settings, passed on so that a script
	// running go (scripts/quickstart builds the binary) reuses the warm
	// caches although HOME is $WORK/home.
	goEnv map[string]string
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	tc := testenv.Find()
	if tc.RepoRoot == "" {
		fmt.Fprintln(os.Stderr, "acceptance: no clan-terranix checkout above", mustGetwd())
		return 1
	}
	dir, err := os.MkdirTemp("", "clan-terranix-acceptance-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "acceptance:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "clan-terranix"), "./cmd/clan-terranix")
	build.Dir = tc.RepoRoot
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "acceptance: go build ./cmd/clan-terranix in %s: %v\n", tc.RepoRoot, err)
		return 1
	}
	binDir = dir
	out, err := exec.Command("go", "env", "-json", "GOCACHE", "GOMODCACHE", "GOPATH", "GOPROXY",
		"GOSUMDB", "GOFLAGS", "GOTOOLCHAIN").Output()
	if err == nil {
		err = json.Unmarshal(out, &goEnv)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "acceptance: go env:", err)
		return 1
	}
	return m.Run()
}

func TestScripts(t *testing.T) {
	tc := testenv.Tools(t)
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			return setup(env, tc)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"example": cmdExample(tc),
		},
		Condition: upstreamCondition,
	})
}

// TestRealClanScripts runs testdata/realclan: clans whose flake is evaluated
// by the real clan-core (the upstream snapshot, see testenv.ClanFlakeInputs).
// `realclan DIR` lays out the flake inputs and fills the @input@ placeholders
// of DIR/flake.nix.
func TestRealClanScripts(t *testing.T) {
	tc := testenv.Tools(t)
	upstream := testenv.Upstream(t)
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/realclan",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			return setup(env, tc)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"example": cmdExample(tc),
			"realclan": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: realclan DIR")
				}
				inputs, err := testenv.ClanFlakeInputs(upstream, tc.RepoRoot, ts.MkAbs("inputs"))
				ts.Check(err)
				ts.Check(testenv.SubstFile(filepath.Join(ts.MkAbs(args[0]), "flake.nix"), inputs))
			},
		},
	})
}

// upstreamCondition is [upstream]: the snapshots of ../shared/upstream (or
// CLAN_TERRANIX_UPSTREAM) are there, as $UPSTREAM. A script skips without
// them (`[!upstream] skip`), but under CI their absence fails it.
func upstreamCondition(cond string) (bool, error) {
	if cond != "upstream" {
		return false, fmt.Errorf("unknown condition %q", cond)
	}
	dir, looked := testenv.UpstreamDir()
	if dir == "" && testenv.InCI() {
		return false, fmt.Errorf("upstream snapshots missing under CI (looked at %s)", looked)
	}
	return dir != "", nil
}

// setup gives every script the toolchain's environment, with the freshly
// built binary first on PATH and a HOME of its own.
func setup(env *testscript.Env, tc testenv.Toolchain) error {
	vars := tc.Vars()
	for name, value := range goEnv {
		if value != "" {
			vars[name] = value
		}
	}
	vars["PATH"] = binDir + string(os.PathListSeparator) + vars["PATH"]
	for _, name := range slices.Sorted(maps.Keys(vars)) { // sorted: stable script logs
		env.Setenv(name, vars[name])
	}
	home := filepath.Join(env.WorkDir, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return err
	}
	env.Setenv("HOME", home)
	env.Setenv("NO_COLOR", "1")
	env.Setenv("REPO", tc.RepoRoot)
	if dir, _ := testenv.UpstreamDir(); dir != "" {
		env.Setenv("UPSTREAM", dir)
	}
	return nil
}

// cmdExample is `example NAME DIR`: a scratch clan made from examples/NAME,
// committed, as a user's clan would be.
func cmdExample(tc testenv.Toolchain) func(ts *testscript.TestScript, neg bool, args []string) {
	return func(ts *testscript.TestScript, neg bool, args []string) {
		if neg {
			ts.Fatalf("unsupported: ! example")
		}
		if len(args) != 2 {
			ts.Fatalf("usage: example NAME DIR")
		}
		src := filepath.Join(tc.RepoRoot, "examples", args[0])
		if _, err := os.Stat(src); err != nil {
			ts.Fatalf("example %s: %v", args[0], err)
		}
		dst := ts.MkAbs(args[1])
		ts.Check(testenv.CopyTree(src, dst))
		ts.Check(testenv.InitRepo(dst))
	}
}

func mustGetwd() string {
	dir, _ := os.Getwd()
	return dir
}
