package acceptance

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/testenv"
)

// stateClan is a scratch clan for the Go-level state tests (the ones that
// need loops, timing or processes testscript cannot express).
type stateClan struct {
	t   *testing.T
	dir string
	env []string
}

// newStateClan writes files (path -> content) into a new git repository.
func newStateClan(t *testing.T, tc testenv.Toolchain, files map[string]string) *stateClan {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "clan")
	c := &stateClan{t: t, dir: dir, env: append(tc.Env(), "PATH="+binDir+string(os.PathListSeparator)+tc.Vars()["PATH"], "NO_COLOR=1", "HOME="+t.TempDir())}
	c.write(files)
	if err := testenv.InitRepo(dir); err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *stateClan) write(files map[string]string) {
	c.t.Helper()
	for path, content := range files {
		full := filepath.Join(c.dir, path)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			c.t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			c.t.Fatal(err)
		}
	}
}

// command prepares a command run in the clan with the toolchain's environment.
func (c *stateClan) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	if name == "clan-terranix" {
		// exec looks names up on this process's PATH, not on cmd.Env's.
		name = filepath.Join(binDir, name)
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = c.dir
	cmd.Env = c.env
	return cmd
}

// run runs a command and returns its combined output; failing is an error
// of the test unless mayFail.
func (c *stateClan) run(mayFail bool, name string, args ...string) (string, error) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var out bytes.Buffer
	cmd := c.command(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err != nil && !mayFail {
		c.t.Fatalf("%s %s in %s: %v\n%s", name, strings.Join(args, " "), c.dir, err, out.String())
	}
	return out.String(), err
}

// ct runs clan-terranix, which must succeed.
func (c *stateClan) ct(args ...string) string {
	c.t.Helper()
	out, _ := c.run(false, "clan-terranix", args...)
	return out
}

// git runs git, which must succeed, and returns its trimmed output.
func (c *stateClan) git(args ...string) string {
	c.t.Helper()
	out, _ := c.run(false, "git", args...)
	return strings.TrimSpace(out)
}

// clone makes a second clan working on the same remote.
func (c *stateClan) clone(remote string) *stateClan {
	c.t.Helper()
	dir := filepath.Join(c.t.TempDir(), "clone")
	other := &stateClan{t: c.t, dir: filepath.Dir(dir), env: c.env}
	other.git("clone", "-q", "-b", "main", remote, dir)
	other.dir = dir
	return other
}

// settingsNix is inventory/services/terranix.nix with the given settings body.
func settingsNix(body string) string {
	return `{ instances.terranix = { module.name = "terranix"; roles.infra-manager.settings = { ` + body + ` }; }; }` + "\n"
}
