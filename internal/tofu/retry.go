package tofu

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// DefaultRetryAttempts is how often a command runs in all when it keeps
// failing with a transient error.
const DefaultRetryAttempts = 3

// DefaultTransientPatterns match failures that a second try may not see:
// the network, rate limits and overloaded provider APIs or registries. They
// are matched, case-insensitively, against tofu's error output (diagnostics
// in full and stderr). Anything else is a real error and fails at once.
var DefaultTransientPatterns = []string{
	`TLS handshake timeout`,
	`connection reset by peer`,
	`i/o timeout`,
	`broken pipe`,
	`temporary failure in name resolution`,
	`net/http: request canceled while waiting for connection`,
	`Client\.Timeout exceeded`,
	`too many requests`,
	`rate ?limit(ed| exceeded)|RequestLimitExceeded|throttl(ed|ing)`,
	`internal server error|bad gateway|service unavailable|gateway time-?out`,
	`status ?code:? ?(429|500|502|503|504)\b`,
	`\bHTTP (429|500|502|503|504)\b`,
	`registry[^\n]*(timeout|timed out)`,
	`failed to (install|query available) provider(s)?[\s\S]*(timeout|timed out|connection refused|no such host|unexpected EOF)`,
}

// RetryPolicy decides which failed tofu commands run again, how often and
// after how long. The zero value is usable and means the defaults.
type RetryPolicy struct {
	// Attempts counts every run, the first included; <= 0 means DefaultRetryAttempts, 1 never retries.
	Attempts int
	// Patterns are the transient error patterns; nil means DefaultTransientPatterns.
	Patterns []*regexp.Regexp
	// BaseDelay is the wait before the first retry (0: one second); each
	// further retry waits twice as long, up to MaxDelay (0: 30 seconds).
	BaseDelay, MaxDelay time.Duration
	// Sleep waits d or until ctx ends; nil uses a timer (tests pass a fake clock).
	Sleep func(ctx context.Context, d time.Duration) error
}

// NewRetryPolicy is the default policy with attempts (0: the default) and
// the patterns of the clan's settings added to the default list. A pattern
// that is not a valid regular expression is an error naming it.
func NewRetryPolicy(attempts int, extraPatterns []string) (*RetryPolicy, error) {
	if attempts < 0 {
		return nil, fmt.Errorf("retry.attempts = %d must be positive", attempts)
	}
	p := &RetryPolicy{Attempts: attempts}
	for _, src := range append(append([]string(nil), DefaultTransientPatterns...), extraPatterns...) {
		re, err := regexp.Compile("(?i)" + src)
		if err != nil {
			return nil, fmt.Errorf("retry.patterns: %q is not a regular expression: %v", src, err)
		}
		p.Patterns = append(p.Patterns, re)
	}
	return p, nil
}

// defaultPolicy is the policy of an Engine without one.
var defaultPolicy, _ = NewRetryPolicy(0, nil)

// MaxAttempts is how often a command runs at most, the first run included.
func (p *RetryPolicy) MaxAttempts() int {
	if p.Attempts <= 0 {
		return DefaultRetryAttempts
	}
	return p.Attempts
}

// Transient reports whether err is a tofu failure worth another try, and
// the line of tofu's output that says so.
func (p *RetryPolicy) Transient(err error) (cause string, ok bool) {
	var exit *ExitError
	if !errors.As(err, &exit) {
		return "", false // tofu did not run, or was interrupted: nothing to retry
	}
	text := exit.Output
	if text == "" {
		text = strings.Join(exit.Diagnostics, "\n")
	}
	patterns := p.Patterns
	if patterns == nil {
		patterns = defaultPolicy.Patterns
	}
	for _, re := range patterns {
		loc := re.FindStringIndex(text)
		if loc == nil {
			continue
		}
		return matchedLine(text, loc), true
	}
	return "", false
}

// matchedLine is the line of text holding the end of a match: for a match
// over several lines (a diagnostic and its cause) the cause.
func matchedLine(text string, loc []int) string {
	start := strings.LastIndexByte(text[:loc[1]], '\n') + 1
	end := strings.IndexByte(text[loc[1]:], '\n')
	line := text[start:]
	if end >= 0 {
		line = text[start : loc[1]+end]
	}
	return strings.TrimSpace(strings.Trim(line, "│╷╵ "))
}

// Delay is the wait before retry number n (1 for the first retry).
func (p *RetryPolicy) Delay(n int) time.Duration {
	base, limit := p.BaseDelay, p.MaxDelay
	if base <= 0 {
		base = time.Second
	}
	if limit <= 0 {
		limit = 30 * time.Second
	}
	d := base
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}

// RetryNotice says that a command runs again, and why.
type RetryNotice struct {
	Attempt, Attempts int // the attempt about to start, counting from 1
	Cause             string
	Delay             time.Duration
}

func (n RetryNotice) String() string {
	return fmt.Sprintf("retry %d/%d after: %s", n.Attempt, n.Attempts, n.Cause)
}

// Do runs try until it succeeds, fails with an error that is not
// transient, or has run Attempts times; between runs it waits Delay,
// telling onRetry (may be nil) first. It returns the last error; when ctx
// ends it retries no more.
func (p *RetryPolicy) Do(ctx context.Context, try func() error, onRetry func(RetryNotice)) error {
	attempts := p.MaxAttempts()
	for attempt := 1; ; attempt++ {
		err := try()
		if err == nil || attempt >= attempts || ctx.Err() != nil {
			return err
		}
		cause, ok := p.Transient(err)
		if !ok {
			return err
		}
		notice := RetryNotice{Attempt: attempt + 1, Attempts: attempts, Cause: cause, Delay: p.Delay(attempt)}
		if onRetry != nil {
			onRetry(notice)
		}
		if p.Wait(ctx, notice.Delay) != nil {
			return err
		}
	}
}

// Wait waits d, or until ctx ends (then it returns ctx.Err()).
func (p *RetryPolicy) Wait(ctx context.Context, d time.Duration) error {
	if p.Sleep != nil {
		return p.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Tail is the last n lines of what tofu said about the failure, for the
// run report: diagnostics in full, or stderr.
func (e *ExitError) Tail(n int) []string {
	var lines []string
	for _, l := range strings.Split(e.Output, "\n") {
		if l = strings.TrimRight(l, " \t\r"); strings.TrimSpace(strings.Trim(l, "│╷╵ ")) != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		lines = e.Diagnostics
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines
}
