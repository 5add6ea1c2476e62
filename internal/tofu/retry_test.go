package tofu

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestTransientMatchesDefaultPatterns(t *testing.T) {
	p, err := NewRetryPolicy(0, nil)
	if err != nil {
		t.Fatal(err)
	}
	transient := map[string]string{
		"tls":      "Error: error configuring provider: Get \"https://api.hetzner.cloud/v1/\": net/http: TLS handshake timeout",
		"reset":    "Error: read tcp 10.0.0.2:4711->1.2.3.4:443: read: connection reset by peer",
		"io":       "dial tcp 1.2.3.4:443: i/o timeout",
		"429":      "Error: creating server: 429 Too Many Requests",
		"503":      "Error: api error: StatusCode: 503, Service Unavailable",
		"502":      "Error: unexpected response: 502 Bad Gateway",
		"504":      "Error: 504 Gateway Timeout",
		"500":      "Error: 500 Internal Server Error",
		"throttle": "Error: Throttling: Rate exceeded (RequestLimitExceeded)",
		"registry": "Error: Failed to query available provider packages\nCould not retrieve the list of available versions: registry.opentofu.org: request timeout",
		"install":  "Error: Failed to install provider\n\nError while installing hashicorp/aws v5.0.0: unexpected EOF",
		"dns":      "dial tcp: lookup api.example.org: Temporary failure in name resolution",
	}
	for name, text := range transient {
		if _, ok := p.Transient(&ExitError{Code: 1, Output: text}); !ok {
			t.Errorf("%s: %q is not transient, want transient", name, text)
		}
	}
	permanent := []string{
		"Error: Unsupported argument: An argument named \"foo\" is not expected here.",
		"Error: Failed to install provider\n\nThe provider hashicorp/nope is not available in the mirror.",
		"Error: creating server: 403 Forbidden",
		"Error: Invalid value for input variable \"timeout\"",
		"Error: Error acquiring the state lock",
	}
	for _, text := range permanent {
		if cause, ok := p.Transient(&ExitError{Code: 1, Output: text}); ok {
			t.Errorf("%q is transient (cause %q), want permanent", text, cause)
		}
	}
	if _, ok := p.Transient(errors.New("connection reset by peer")); ok {
		t.Error("an error that is not a tofu exit is transient, want permanent: tofu did not run")
	}
}

func TestTransientCauseIsTheMatchingLine(t *testing.T) {
	p, _ := NewRetryPolicy(0, nil)
	text := "Error: Failed to install provider\n\nError while installing hashicorp/aws v5.0.0: read tcp: i/o timeout\n"
	cause, ok := p.Transient(&ExitError{Code: 1, Output: text})
	if !ok || cause != "Error while installing hashicorp/aws v5.0.0: read tcp: i/o timeout" {
		t.Errorf("cause = %q, %v; want the line with the network cause", cause, ok)
	}
}

func TestExtraPatternsFromSettings(t *testing.T) {
	p, err := NewRetryPolicy(5, []string{`quota .* temporarily exceeded`})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.Transient(&ExitError{Code: 1, Output: "Error: Quota for cores temporarily exceeded"}); !ok {
		t.Error("the extra pattern does not match (case-insensitively)")
	}
	if _, ok := p.Transient(&ExitError{Code: 1, Output: "connection reset by peer"}); !ok {
		t.Error("extra patterns replaced the defaults, want them added")
	}
	_, err = NewRetryPolicy(0, []string{"(unclosed"})
	if err == nil || !strings.Contains(err.Error(), `retry.patterns: "(unclosed"`) {
		t.Errorf("bad pattern: err = %v, want one naming the pattern", err)
	}
	if _, err := NewRetryPolicy(-1, nil); err == nil || !strings.Contains(err.Error(), "retry.attempts = -1") {
		t.Errorf("negative attempts: err = %v, want one naming the value", err)
	}
}

func TestDelayDoublesUpToTheCap(t *testing.T) {
	p := &RetryPolicy{}
	var got []time.Duration
	for n := 1; n <= 7; n++ {
		got = append(got, p.Delay(n))
	}
	want := []time.Duration{1 * time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("delays = %v, want %v", got, want)
	}
}

// fakeClock records the waits instead of sleeping.
type fakeClock struct{ waits []time.Duration }

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.waits = append(c.waits, d)
	return ctx.Err()
}

func TestDoRetriesTransientFailuresWithBackoff(t *testing.T) {
	clock := &fakeClock{}
	p := &RetryPolicy{Sleep: clock.Sleep}
	runs := 0
	var notices []string
	err := p.Do(context.Background(), func() error {
		runs++
		if runs < 3 {
			return &ExitError{Code: 1, Output: "Error: read: connection reset by peer"}
		}
		return nil
	}, func(n RetryNotice) { notices = append(notices, n.String()) })
	if err != nil || runs != 3 {
		t.Fatalf("err = %v after %d runs, want success on the third", err, runs)
	}
	wantNotices := []string{"retry 2/3 after: Error: read: connection reset by peer", "retry 3/3 after: Error: read: connection reset by peer"}
	if !reflect.DeepEqual(notices, wantNotices) {
		t.Errorf("notices = %q, want %q", notices, wantNotices)
	}
	if want := []time.Duration{time.Second, 2 * time.Second}; !reflect.DeepEqual(clock.waits, want) {
		t.Errorf("waits = %v, want %v", clock.waits, want)
	}
}

func TestDoGivesUpAfterAttempts(t *testing.T) {
	clock := &fakeClock{}
	p := &RetryPolicy{Attempts: 4, Sleep: clock.Sleep}
	runs := 0
	err := p.Do(context.Background(), func() error {
		runs++
		return &ExitError{Code: 1, Output: fmt.Sprintf("429 Too Many Requests (run %d)", runs)}
	}, nil)
	if runs != 4 || err == nil || !strings.Contains(err.(*ExitError).Output, "run 4") {
		t.Errorf("runs = %d, err = %v; want 4 runs and the last error", runs, err)
	}
}

func TestDoFailsAtOnceOnPermanentErrors(t *testing.T) {
	clock := &fakeClock{}
	p := &RetryPolicy{Sleep: clock.Sleep}
	runs := 0
	err := p.Do(context.Background(), func() error {
		runs++
		return &ExitError{Code: 1, Output: "Error: Unsupported argument"}
	}, nil)
	if runs != 1 || err == nil || len(clock.waits) != 0 {
		t.Errorf("runs = %d, waits = %v, err = %v; want one run, no wait, the error", runs, clock.waits, err)
	}
}

func TestDoStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	runs := 0
	p := &RetryPolicy{Sleep: func(context.Context, time.Duration) error { cancel(); return context.Canceled }}
	err := p.Do(ctx, func() error {
		runs++
		return &ExitError{Code: 1, Output: "i/o timeout"}
	}, nil)
	if runs != 1 || err == nil {
		t.Errorf("runs = %d, err = %v; want one run and its error after the interrupt", runs, err)
	}
}

func TestExitErrorTailKeepsTheLastLines(t *testing.T) {
	e := &ExitError{Code: 1, Output: "Error: one\n\n│ detail a\n╵\nline b\nline c\n"}
	if got, want := e.Tail(2), []string{"line b", "line c"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Tail(2) = %q, want %q", got, want)
	}
	e = &ExitError{Code: 1, Diagnostics: []string{"only"}}
	if got := e.Tail(5); !reflect.DeepEqual(got, []string{"only"}) {
		t.Errorf("Tail without output = %q, want the diagnostics", got)
	}
}

// TestRunRetriesARealProcess runs the engine path as a script that fails
// once with a transient message: Run must start it again and succeed, and
// must not retry a command with Stdin.
func TestRunRetriesARealProcess(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "fake-tofu")
	body := "#!/bin/sh\nn=$(cat count 2>/dev/null || echo 0); echo $((n+1)) > count\n" +
		"if [ \"$n\" -lt 1 ]; then echo 'Error: Get \"https://registry.opentofu.org\": net/http: TLS handshake timeout' >&2; exit 1; fi\necho ok\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	e := &Engine{Name: "tofu", Path: script}
	clock := &fakeClock{}
	var notices []RetryNotice
	var out strings.Builder
	err := e.Run(context.Background(), Invocation{Dir: dir, Args: []string{"output"}, Stdout: &out,
		Retry: &RetryPolicy{Sleep: clock.Sleep}, OnRetry: func(n RetryNotice) { notices = append(notices, n) }})
	if err != nil || out.String() != "ok\n" {
		t.Fatalf("err = %v, stdout %q; want success with only the last run's stdout", err, out.String())
	}
	if len(notices) != 1 || !strings.Contains(notices[0].String(), "retry 2/3 after: ") || !strings.Contains(notices[0].Cause, "TLS handshake timeout") {
		t.Errorf("notices = %+v, want one naming the TLS handshake timeout", notices)
	}
	os.Remove(filepath.Join(dir, "count"))
	err = e.Run(context.Background(), Invocation{Dir: dir, Args: []string{"console"}, Stdin: strings.NewReader(""),
		Retry: &RetryPolicy{Sleep: clock.Sleep}})
	if err == nil {
		t.Error("a command with Stdin was retried, want it to fail at once")
	}
}
