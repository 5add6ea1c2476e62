// Package testenv finds the real tools that integration tests run (OpenTofu,
// Nix, git) and the offline provider mirror that scripts/bootstrap lays out,
// and gives those tests a reproducible environment.
//
// A test that needs the toolchain calls Tools: without the toolchain the test
// is skipped with a loud message, but under CI (env CI set) it fails, so a
// broken bootstrap can never pass as a green run of skipped tests.
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ModulePath is the root module; its go.mod marks the repository root.
const ModulePath = "github.com/clan-terranix/clan-terranix"

// NixConfig is what the bootstrap's env file sets: flakes on, and no binary
// cache, which is unreachable here and costs seconds of retries.
const NixConfig = "experimental-features = nix-command flakes\nsubstituters ="

// Identity commits made in tests, independent of HOME and any gitconfig.
const (
	GitName  = "clan-terranix test"
	GitEmail = "test@clan-terranix.invalid"
)

// Toolchain holds absolute paths of the tools. An empty field was not found.
type Toolchain struct {
	RepoRoot       string // the checkout: holds the root go.mod
	Cache          string // the bootstrap cache (CLAN_TERRANIX_CACHE or RepoRoot/.cache)
	Tofu           string // OpenTofu binary
	NixInstantiate string // nix-instantiate binary
	Git            string // git binary
	CLIConfig      string // OpenTofu CLI config that installs providers from the offline mirror
}

// Find looks for the toolchain: the bootstrap cache first, then PATH. It
// never fails; Missing says what it could not find.
func Find() Toolchain {
	var tc Toolchain
	cwd, err := os.Getwd()
	if err == nil {
		tc.RepoRoot = findRepoRoot(cwd)
	}
	tc.Cache = os.Getenv("CLAN_TERRANIX_CACHE")
	if tc.Cache == "" && tc.RepoRoot != "" {
		tc.Cache = filepath.Join(tc.RepoRoot, ".cache")
	}
	if tc.Cache != "" {
		if abs, err := filepath.Abs(tc.Cache); err == nil {
			tc.Cache = abs
		}
		tc.Tofu = executable(filepath.Join(tc.Cache, "bin", "tofu"))
		if _, err := os.Stat(filepath.Join(tc.Cache, "tofurc")); err == nil {
			tc.CLIConfig = filepath.Join(tc.Cache, "tofurc")
		}
	}
	if tc.Tofu == "" {
		tc.Tofu = lookPath("tofu")
	}
	tc.NixInstantiate = lookPath("nix-instantiate")
	tc.Git = lookPath("git")
	return tc
}

// Missing names what Find did not find; empty when all is there.
func (tc Toolchain) Missing() []string {
	var missing []string
	for _, tool := range []struct{ name, path string }{
		{"repository root (go.mod of " + ModulePath + ")", tc.RepoRoot},
		{"tofu", tc.Tofu},
		{"nix-instantiate", tc.NixInstantiate},
		{"git", tc.Git},
		{"provider mirror CLI config (tofurc)", tc.CLIConfig},
	} {
		if tool.path == "" {
			missing = append(missing, tool.name)
		}
	}
	return missing
}

// Tools returns the toolchain, or skips the test loudly when part of it is
// missing; under CI a missing tool fails the test instead.
func Tools(t testing.TB) Toolchain {
	t.Helper()
	tc := Find()
	if missing := tc.Missing(); len(missing) > 0 {
		msg := fmt.Sprintf("!!! TOOLCHAIN MISSING: %s (cache %q): run scripts/bootstrap !!!",
			strings.Join(missing, ", "), tc.Cache)
		if InCI() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return tc
}

// InCI reports whether the tests run under CI, where nothing may be skipped
// for lack of a tool.
func InCI() bool {
	ci := os.Getenv("CI")
	return ci != "" && ci != "0" && ci != "false"
}

// Env is the process environment with the toolchain first on PATH, the
// offline mirror's CLI config, the Nix settings and a fixed git identity that
// ignores the user's and the system's gitconfig. Use it as exec.Cmd.Env.
func (tc Toolchain) Env() []string {
	overrides := tc.Vars()
	env := make([]string, 0, len(os.Environ())+len(overrides))
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if _, ok := overrides[name]; !ok {
			env = append(env, kv)
		}
	}
	for name, value := range overrides {
		env = append(env, name+"="+value)
	}
	return env
}

// Setenv applies Env's variables to the test process with t.Setenv, for tests
// that run code in-process which starts tofu, nix or git itself.
func (tc Toolchain) Setenv(t testing.TB) {
	t.Helper()
	for name, value := range tc.Vars() {
		t.Setenv(name, value)
	}
}

// Vars are the variables that Env sets over the inherited environment.
func (tc Toolchain) Vars() map[string]string {
	vars := gitIdentity()
	vars["PATH"] = tc.path()
	vars["NIX_CONFIG"] = NixConfig
	vars["CHECKPOINT_DISABLE"] = "1"
	if tc.CLIConfig != "" {
		vars["TF_CLI_CONFIG_FILE"] = tc.CLIConfig
	}
	if tc.Cache != "" {
		vars["CLAN_TERRANIX_CACHE"] = tc.Cache // scripts/bootstrap reuses it
	}
	return vars
}

// path puts the directories of the found tools before the inherited PATH.
func (tc Toolchain) path() string {
	var dirs []string
	seen := map[string]bool{}
	for _, tool := range []string{tc.Tofu, tc.NixInstantiate, tc.Git} {
		if dir := filepath.Dir(tool); tool != "" && !seen[dir] {
			seen[dir] = true
			dirs = append(dirs, dir)
		}
	}
	if inherited := os.Getenv("PATH"); inherited != "" {
		dirs = append(dirs, inherited)
	}
	return strings.Join(dirs, string(os.PathListSeparator))
}

// gitIdentity is git's environment for tests: a fixed author and committer,
// and no system or global gitconfig (GIT_CONFIG_GLOBAL needs git >= 2.32).
func gitIdentity() map[string]string {
	return map[string]string{
		"GIT_AUTHOR_NAME":     GitName,
		"GIT_AUTHOR_EMAIL":    GitEmail,
		"GIT_COMMITTER_NAME":  GitName,
		"GIT_COMMITTER_EMAIL": GitEmail,
		"GIT_CONFIG_NOSYSTEM": "1",
		"GIT_CONFIG_GLOBAL":   os.DevNull,
	}
}

// findRepoRoot walks up from dir to the directory whose go.mod declares
// ModulePath; nested modules (tests/acceptance, tools/*) are passed over.
func findRepoRoot(dir string) string {
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && declaresModule(string(data), ModulePath) {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func declaresModule(gomod, module string) bool {
	for _, line := range strings.Split(gomod, "\n") {
		fields := strings.Fields(line)
		if len(fields) == 2 && fields[0] == "module" && strings.Trim(fields[1], `"`) == module {
			return true
		}
	}
	return false
}

func executable(path string) string {
	info, err := os.Stat(path)
	if err != nil || info.IsDir() || info.Mode()&0o111 == 0 {
		return ""
	}
	return path
}

func lookPath(name string) string {
	path, err := exec.LookPath(name)
	if err != nil {
		return ""
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return ""
	}
	return abs
}
