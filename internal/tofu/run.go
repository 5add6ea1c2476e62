package tofu

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Invocation is one tofu command.
type Invocation struct {
	Dir  string
	Args []string
	// Env is added to the environment of clan-terranix itself.
	Env []string
	// Log receives everything tofu prints (both streams); may be nil.
	Log io.Writer
	// OnMessage receives each parsed -json message from stdout; may be nil.
	OnMessage func(Message)
	// Stdout, when set, receives stdout instead of the message parser and
	// the log (for output the caller wants as is: `show`, raw commands).
	Stdout io.Writer
	// Stdin is passed through (for interactive raw commands); nil means none.
	Stdin io.Reader
	// GracePeriod is how long tofu may take to stop after an interrupt before
	// it is killed. Zero means 5 minutes: an apply writes its state on the way out.
	GracePeriod time.Duration
	// Retry decides which failures run the command again; nil means the
	// default policy. Commands with Stdin are never retried (a user typed
	// into them), nor with NoRetry (apply: the caller plans again instead).
	Retry   *RetryPolicy
	NoRetry bool
	// OnRetry is told before each retry; may be nil.
	OnRetry func(RetryNotice)
}

// ExitError is a tofu process that ran and exited non-zero.
type ExitError struct {
	Code int
	// Killed: the process ended by a signal (SIGKILL from the OOM killer or
	// a timeout), not by exiting; it saved nothing on its way out.
	Killed bool
	// Diagnostics are the error messages tofu reported, if any.
	Diagnostics []string
	// Output is what tofu said about the failure: its error diagnostics in
	// full (summary and detail), then stderr. Retries match it.
	Output string
}

func (e *ExitError) Error() string {
	if len(e.Diagnostics) > 0 {
		return e.Diagnostics[0]
	}
	return fmt.Sprintf("exit status %d", e.Code)
}

// BaseEnv is the environment tofu runs with besides the caller's additions.
var BaseEnv = []string{"TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1"}

// Run runs the engine with inv, again after a transient failure as
// inv.Retry says (see RetryPolicy). When ctx is cancelled the process receives
// one SIGINT (it runs in its own process group, so a terminal's Ctrl-C does
// not reach it twice and make it abort without writing state) and Run waits
// for it to exit.
func (e *Engine) Run(ctx context.Context, inv Invocation) error {
	// A retry starts stdout afresh, so only a buffer can take it.
	out, resettable := inv.Stdout.(interface{ Reset() })
	if inv.NoRetry || inv.Stdin != nil || (inv.Stdout != nil && !resettable) {
		return e.runOnce(ctx, inv)
	}
	policy := inv.Retry
	if policy == nil {
		policy = defaultPolicy
	}
	return policy.Do(ctx, func() error {
		if resettable {
			out.Reset()
		}
		return e.runOnce(ctx, inv)
	}, inv.OnRetry)
}

func (e *Engine) runOnce(ctx context.Context, inv Invocation) error {
	cmd := exec.Command(e.Path, inv.Args...)
	cmd.Dir = inv.Dir
	cmd.Env = append(append(os.Environ(), BaseEnv...), inv.Env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stdin = inv.Stdin
	logw := inv.Log
	if logw == nil {
		logw = io.Discard
	}
	var diags, details []string
	var stream streamCheck
	var stderr bytes.Buffer
	var detached *detachedOutput
	if inv.Stdout != nil {
		cmd.Stderr = io.MultiWriter(logw, &stderr)
		cmd.Stdout = inv.Stdout
	} else {
		var err error
		if detached, err = newDetachedOutput(inv.Dir); err != nil {
			return err
		}
		defer detached.remove()
		cmd.Stdout, cmd.Stderr = detached.stdout, detached.stderr
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %v", e.Name, err)
	}
	untrack := track(cmd.Process, inv.Dir)
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			_ = cmd.Process.Signal(os.Interrupt)
			grace := inv.GracePeriod
			if grace == 0 {
				grace = 5 * time.Minute
			}
			select {
			case <-done:
			case <-time.After(grace):
				_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			}
		case <-done:
		}
	}()
	var exited chan struct{}
	var scanned chan struct{}
	if detached != nil {
		exited, scanned = make(chan struct{}), make(chan struct{})
		go func() {
			diags, details, stream = scanMessages(detached.follow(exited), logw, inv.OnMessage)
			close(scanned)
		}()
	}
	err := cmd.Wait()
	untrack()
	close(done)
	if detached != nil {
		close(exited)
		<-scanned
		detached.copyStderr(io.MultiWriter(logw, &stderr))
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		ws, _ := exit.Sys().(syscall.WaitStatus)
		if ws.Signaled() && inv.Dir != "" {
			// Killed (OOM killer, a timeout): its plugins live on, doing
			// work no state will record. End them now.
			if dir, aerr := filepath.Abs(inv.Dir); aerr == nil {
				FindLeftovers(dir).EndOrphans()
			}
		}
		if len(diags) == 0 {
			diags = errorLines(stderr.String())
		}
		if exit.ExitCode() == 2 && detached != nil && slices.Contains(inv.Args, "-detailed-exitcode") {
			if err := stream.err(e.Name, inv.Args, 2); err != nil {
				return err // 2 means "changes" only from a stream that says which
			}
		}
		output := strings.Join(append(details, stderr.String()), "\n")
		return &ExitError{Code: exit.ExitCode(), Killed: ws.Signaled(), Diagnostics: diags, Output: output}
	}
	if err == nil && detached != nil && slices.Contains(inv.Args, "-json") {
		// Success is what the stream says happened; a stream that cannot be
		// read says nothing, so it is no success.
		return stream.err(e.Name, inv.Args, 0)
	}
	return err
}

// streamCheck is what scanMessages saw of a -json stream.
type streamCheck struct {
	messages int
	bad      string // the first line that is not a JSON message
	badLine  int
}

func (c streamCheck) err(engine string, args []string, code int) error {
	cmd := engine
	if len(args) > 0 {
		cmd += " " + args[0]
	}
	switch {
	case c.bad != "":
		line := c.bad
		if len(line) > 80 {
			line = line[:80] + "..."
		}
		return fmt.Errorf("%s exited %d but printed something that is not its -json output (line %d: %q): not taken as success, see the log", cmd, code, c.badLine, line)
	case c.messages == 0:
		return fmt.Errorf("%s exited %d but printed none of its -json messages: not taken as success, see the log", cmd, code)
	}
	return nil
}

// scanMessages copies tofu's stdout to the log and hands each JSON line to
// onMessage; it returns the error diagnostics seen, as one line each and in
// full, and what it saw of the stream.
func scanMessages(r io.Reader, logw io.Writer, onMessage func(Message)) (diags, details []string, check streamCheck) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	n := 0
	for sc.Scan() {
		line := sc.Bytes()
		n++
		logw.Write(line)
		logw.Write([]byte{'\n'})
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var m Message
		if line[0] != '{' || json.Unmarshal(line, &m) != nil || m.Type == "" {
			if check.bad == "" {
				check.bad, check.badLine = string(line), n
			}
			continue
		}
		check.messages++
		if m.Type == "diagnostic" && m.Diagnostic != nil && m.Diagnostic.Severity == "error" {
			diags = append(diags, m.Diagnostic.Line())
			details = append(details, strings.TrimSpace("Error: "+m.Diagnostic.Summary+"\n"+m.Diagnostic.Detail))
		}
		if onMessage != nil {
			onMessage(m)
		}
	}
	if sc.Err() != nil && check.bad == "" {
		check.bad, check.badLine = "(a line longer than 16 MiB)", n+1
	}
	io.Copy(logw, r)
	return diags, details, check
}

// errorLines picks the lines of human tofu output that say what failed.
func errorLines(out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(strings.Trim(l, "│╷╵ "))
		if strings.HasPrefix(l, "Error: ") {
			lines = append(lines, strings.TrimPrefix(l, "Error: "))
		}
	}
	if len(lines) == 0 {
		if l := firstLine(out); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}
