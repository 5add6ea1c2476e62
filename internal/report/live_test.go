package report

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/clan-terranix/clan-terranix/internal/outcome"
)

var ansi = regexp.MustCompile("\x1b\\[[0-9;?]*[A-Za-z]")

// screen replays the output of a live view on a tiny terminal emulator that
// knows the escapes the view uses, and returns the visible lines.
func screen(t *testing.T, out string) []string {
	t.Helper()
	var lines []string
	row := 0
	for len(out) > 0 {
		if loc := ansi.FindStringIndex(out); loc != nil && loc[0] == 0 {
			esc := out[:loc[1]]
			out = out[loc[1]:]
			switch {
			case esc == "\x1b[J":
				lines = lines[:min(row, len(lines))]
			case strings.HasSuffix(esc, "A"):
				var n int
				if _, err := fmtSscanf(esc, &n); err != nil {
					t.Fatalf("bad escape %q", esc)
				}
				row -= n
			case strings.HasSuffix(esc, "m"): // colour: invisible
			default:
				t.Fatalf("unexpected escape %q", esc)
			}
			continue
		}
		switch out[0] {
		case '\r':
			out = out[1:]
		case '\n':
			row++
			out = out[1:]
		default:
			end := strings.IndexAny(out, "\r\n\x1b")
			if end < 0 {
				end = len(out)
			}
			for len(lines) <= row {
				lines = append(lines, "")
			}
			lines[row] += out[:end]
			out = out[end:]
		}
	}
	if row < 0 {
		t.Fatal("cursor moved above the first line")
	}
	return lines
}

func TestLiveView(t *testing.T) {
	var out bytes.Buffer
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	l := newLive(&out, "apply", Style{Color: true}, 4, func() int { return 60 }, clock)

	l.Event(outcome.Event{Workspace: "shared", Phase: outcome.PhaseStart, Time: now})
	l.Event(outcome.Event{Workspace: "shared", Phase: outcome.PhaseApply, Done: 1, Total: 3, Message: "random_pet.a: Creation complete"})
	l.Event(outcome.Event{Workspace: "web-frontend", Phase: outcome.PhaseStart, Time: now})
	l.Event(outcome.Event{Workspace: "web-frontend", Phase: outcome.PhasePlan, Changes: &outcome.Changes{Add: 1}})
	now = now.Add(2100 * time.Millisecond)
	l.mu.Lock()
	l.redraw("")
	l.mu.Unlock()
	got := screen(t, out.String())
	want := []string{
		"⠋ shared        apply    1/3       2.1s  random_pet.a: Cre…",
		"⠋ web-frontend  plan               2.1s  +1 ~0 -0",
		"  2 running · 0/4 done",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("live block:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	results := sampleResults()
	l.Finish(results[0])
	l.Finish(results[3])
	got = screen(t, ansi.ReplaceAllStringFunc(out.String(), keepCursorEscapes))
	want = []string{
		"✓ shared  applied +3 ~0 -0  2.1s",
		"✗ web-frontend  failed: Error: creating instance: 403 Forbidden  log: .clan-terranix/logs/run-1/web-frontend.log",
		"    │ Error: creating instance: 403 Forbidden",
		"    │   with hcloud_server.web,",
		"    │   on config.tf.json line 1",
		"  0 running · 2/4 done · 1 failed",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("after finishing:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	l.Println("note")
	l.Close()
	l.Close() // twice is harmless
	got = screen(t, out.String())
	if last := got[len(got)-1]; last != "note" {
		t.Errorf("Close should leave only permanent lines, last is %q", last)
	}
}

func keepCursorEscapes(esc string) string {
	if strings.HasSuffix(esc, "m") {
		return ""
	}
	return esc
}

func TestLiveViewTicks(t *testing.T) {
	var out lockedBuffer
	l := newLive(&out, "plan", Style{}, 0, func() int { return 0 }, time.Now)
	l.ticking = true
	go l.redrawLoop()
	l.Event(outcome.Event{Workspace: "a", Phase: outcome.PhaseInit})
	// Wait for the redraws, not for a time: a busy machine may tick late.
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(RedrawInterval) {
		out.mu.Lock()
		n := len(out.writes)
		out.mu.Unlock()
		if n >= 3 {
			break
		}
	}
	l.Finish(outcome.Result{Workspace: "a", Status: outcome.StatusNoChanges, Duration: time.Second})
	l.Close()
	out.mu.Lock()
	defer out.mu.Unlock()
	if len(out.writes) < 3 {
		t.Errorf("expected periodic redraws, got %d writes", len(out.writes))
	}
	if all := strings.Join(out.writes, ""); !strings.Contains(all, "✓ a  no changes  1.0s") {
		t.Errorf("finish line missing:\n%q", all)
	}
}

func TestTruncate(t *testing.T) {
	if got := truncate("héllo world", 5); got != "héll…" {
		t.Errorf("got %q", got)
	}
	if got := truncate("short", 10); got != "short" {
		t.Errorf("got %q", got)
	}
}

func fmtSscanf(esc string, n *int) (int, error) { return fmt.Sscanf(esc, "\x1b[%dA", n) }

func TestLivePauseHoldsLines(t *testing.T) {
	var out bytes.Buffer
	l := newLive(&out, "apply", Style{}, 0, func() int { return 80 }, time.Now)
	l.Event(outcome.Event{Workspace: "a", Phase: outcome.PhaseApply})
	l.Event(outcome.Event{Workspace: "b", Phase: outcome.PhaseApply})
	l.Println("before")
	l.Pause()
	if got := screen(t, out.String()); strings.Join(got, "|") != "before" {
		t.Fatalf("Pause should leave only permanent lines: %q", got)
	}
	paused := out.Len()
	l.Finish(outcome.Result{Workspace: "a", Status: outcome.StatusUnchanged})
	if out.Len() != paused {
		t.Fatal("wrote while paused")
	}
	l.Resume()
	got := screen(t, out.String())
	if len(got) != 3 || got[1] != "· a  unchanged" || !strings.Contains(got[2], " b ") {
		t.Errorf("after Resume: %q", got)
	}
	l.Close()
}

var _ Display = (*LiveSink)(nil)
var _ Display = (*PlainSink)(nil)

func TestLiveKeepsProgressAcrossMessages(t *testing.T) {
	l := newLive(&bytes.Buffer{}, "apply", Style{}, 0, func() int { return 0 }, time.Now)
	l.Event(outcome.Event{Workspace: "a", Phase: outcome.PhaseQueued})
	if len(l.running) != 0 {
		t.Fatal("a queued workspace is not running")
	}
	l.Event(outcome.Event{Workspace: "a", Phase: outcome.PhaseApply, Done: 2, Total: 5})
	l.Event(outcome.Event{Workspace: "a", Phase: outcome.PhaseApply, Message: "retrying after 429"})
	if line := l.running[0]; line.done != 2 || line.total != 5 || line.message != "retrying after 429" {
		t.Errorf("got %+v", *line)
	}
	l.Event(outcome.Event{Workspace: "a", Phase: outcome.PhaseCommit})
	if line := l.running[0]; line.total != 0 || line.message != "" {
		t.Errorf("a new phase starts afresh: %+v", *line)
	}
}
