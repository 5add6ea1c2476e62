// Package gitcli runs git through its command-line interface. It is a thin
// layer: one method per git operation the tool needs, one-line errors that
// name the command, and the two pieces of care git itself does not give us:
// a commit of chosen paths that never takes the user's staged changes along,
// and bounded retries when another process holds the index or a ref lock.
package gitcli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Repo is a git working tree (or a bare repository) at Dir.
type Repo struct {
	Dir string
}

// Identity used when the user has no git identity configured, so that a
// fresh CI machine can still commit state.
const (
	FallbackName  = "clan-terranix"
	FallbackEmail = "clan-terranix@localhost"
)

// Error is a failed git command. Its message is one line: the command and
// the last meaningful line git printed.
type Error struct {
	Dir    string
	Args   []string
	Stderr string
	Err    error
}

func (e *Error) Error() string {
	return fmt.Sprintf("git %s (in %s): %s", strings.Join(e.Args, " "), e.Dir, lastLine(e.Stderr, e.Err))
}

func (e *Error) Unwrap() error { return e.Err }

// Run runs git with args in the repository and returns its standard output
// with the trailing newline removed.
func (r Repo) Run(ctx context.Context, args ...string) (string, error) {
	return r.RunEnv(ctx, nil, args...)
}

// RunEnv is Run with extra environment variables ("NAME=value").
func (r Repo) RunEnv(ctx context.Context, env []string, args ...string) (string, error) {
	return r.runInput(ctx, env, nil, args...)
}

func (r Repo) runInput(ctx context.Context, env []string, stdin []byte, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = r.Dir
	// Never prompt for credentials or editors: the tool runs unattended.
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_EDITOR=true", "LC_ALL=C")
	cmd.Env = append(cmd.Env, env...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return "", fmt.Errorf("git is not installed (needed to commit terraform state): install git")
		}
		return stdout.String(), &Error{Dir: r.Dir, Args: args, Stderr: stderr.String(), Err: err}
	}
	return strings.TrimSuffix(stdout.String(), "\n"), nil
}

// IsRepo reports whether dir is inside a git working tree. The answer is
// kept for the life of the process: every workspace of a run asks.
// Callers asking at once (a run asks while Nix evaluates and while it sets
// up) wait for one git process instead of starting one each.
func IsRepo(ctx context.Context, dir string) bool {
	v, _ := isRepoCache.LoadOrStore(dir, &repoProbe{})
	p := v.(*repoProbe)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.known {
		return p.is
	}
	out, err := Repo{Dir: dir}.Run(ctx, "rev-parse", "--is-inside-work-tree")
	is := err == nil && out == "true"
	p.known, p.is = ctx.Err() == nil, is
	return is
}

// repoProbe is IsRepo's answer for a dir, once known.
type repoProbe struct {
	mu        sync.Mutex
	known, is bool
}

var isRepoCache sync.Map // dir -> *repoProbe

// RevParse resolves rev to a commit id; ok is false when rev does not exist.
func (r Repo) RevParse(ctx context.Context, rev string) (id string, ok bool, err error) {
	out, err := r.Run(ctx, "rev-parse", "--verify", "--quiet", rev+"^{commit}")
	var gitErr *Error
	if errors.As(err, &gitErr) && exitCode(gitErr.Err) == 1 {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return out, true, nil
}

// CurrentBranch returns the branch HEAD points at ("" when detached).
func (r Repo) CurrentBranch(ctx context.Context) (string, error) {
	out, err := r.Run(ctx, "symbolic-ref", "--quiet", "--short", "HEAD")
	var gitErr *Error
	if errors.As(err, &gitErr) && exitCode(gitErr.Err) == 1 {
		return "", nil
	}
	return out, err
}

// Fetch fetches refspecs (all configured ones when none) from remote.
func (r Repo) Fetch(ctx context.Context, remote string, refspecs ...string) error {
	_, err := r.Run(ctx, append([]string{"fetch", "--quiet", "--no-tags", remote}, refspecs...)...)
	return err
}

// Push pushes refspecs to remote; flags (e.g. "--force-with-lease=REF:SHA")
// go before the remote.
func (r Repo) Push(ctx context.Context, remote string, refspecs []string, flags ...string) error {
	args := append([]string{"push", "--quiet"}, flags...)
	_, err := r.Run(ctx, append(append(args, remote), refspecs...)...)
	return err
}

// Log runs git log with the given --format over the commits touching paths
// (all commits when none) and returns one record per commit, newest first.
func (r Repo) Log(ctx context.Context, format string, paths ...string) ([]string, error) {
	args := []string{"log", "-z", "--format=" + format}
	if _, ok, err := r.RevParse(ctx, "HEAD"); err != nil || !ok {
		return nil, err // no commits yet: an empty history
	}
	args = append(args, "HEAD", "--")
	out, err := r.Run(ctx, append(args, paths...)...)
	if err != nil || out == "" {
		return nil, err
	}
	return strings.Split(strings.TrimSuffix(out, "\x00"), "\x00"), nil
}

// identityArgs returns "-c user.name=... -c user.email=..." when the user
// has no email configured; git refuses to commit without one.
func (r Repo) identityArgs(ctx context.Context) []string {
	if os.Getenv("GIT_COMMITTER_EMAIL") != "" || os.Getenv("EMAIL") != "" {
		return nil
	}
	if has, ok := hasIdentity.Load(r.Dir); ok && has.(bool) {
		return nil
	}
	if email, _ := r.Run(ctx, "config", "user.email"); email != "" {
		hasIdentity.Store(r.Dir, true)
		return nil
	}
	return []string{"-c", "user.name=" + FallbackName, "-c", "user.email=" + FallbackEmail}
}

// hasIdentity remembers repositories whose user has a git email configured
// (one `git config` per process, not per commit).
var hasIdentity sync.Map // dir -> bool

// indexMutexes serialises the commands of this process that take a git lock
// (the index, HEAD's ref) per repository, so parallel workspaces never race.
var indexMutexes sync.Map // repository dir -> *sync.Mutex

func (r Repo) indexMutex() *sync.Mutex {
	m, _ := indexMutexes.LoadOrStore(r.Dir, &sync.Mutex{})
	return m.(*sync.Mutex)
}

// retryLocked runs fn again while git reports that another process holds
// index.lock or a ref lock, for at most about ten seconds.
func retryLocked(ctx context.Context, fn func() error) error {
	delay := 20 * time.Millisecond
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := fn()
		if err == nil || !isLockContention(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		if delay < 500*time.Millisecond {
			delay *= 2
		}
	}
}

// errCASLost is what commitOnce returns when HEAD moved under it.
var errCASLost = errors.New("HEAD moved during commit")

func isLockContention(err error) bool {
	if errors.Is(err, errCASLost) {
		return true
	}
	var gitErr *Error
	if !errors.As(err, &gitErr) {
		return false
	}
	s := gitErr.Stderr
	return strings.Contains(s, "index.lock") || strings.Contains(s, "cannot lock ref") ||
		strings.Contains(s, ".lock': File exists")
}

func exitCode(err error) int {
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return exitErr.ExitCode()
	}
	return -1
}

// lastLine picks the line of git's stderr that says why: the first "fatal:"
// or "error:" line (not the generic "failed to push"), else a rejected ref,
// else the last line that is not a hint.
func lastLine(stderr string, err error) string {
	var lines []string
	for _, l := range strings.Split(stderr, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "hint:") && !strings.HasPrefix(l, "To ") {
			lines = append(lines, l)
		}
	}
	for _, l := range lines {
		if (strings.HasPrefix(l, "fatal:") || strings.HasPrefix(l, "error:")) && !strings.HasPrefix(l, "error: failed to push") {
			return l
		}
	}
	for _, l := range lines {
		if strings.HasPrefix(l, "! ") {
			return l
		}
	}
	if len(lines) > 0 {
		return lines[len(lines)-1]
	}
	return err.Error()
}
