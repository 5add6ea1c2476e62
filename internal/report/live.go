package report

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/clan-terranix/clan-terranix/internal/outcome"
	"golang.org/x/term"
)

// LiveSink is the terminal view: a block of one line per running workspace
// (phase, resources done/total, elapsed time), redrawn in place a few times
// a second, with a permanent line printed above the block for every
// workspace that ends. While it runs nothing else may write to its terminal
// except through Println.
type LiveSink struct {
	mu      sync.Mutex
	out     io.Writer
	command string
	style   Style
	width   func() int // terminal columns; <= 0 when unknown
	now     func() time.Time

	running []*liveLine // in the order they started
	total   int         // workspaces in the run, for the footer; 0: no footer
	ended   int
	failed  int
	drawn   int // lines of the block currently on screen
	frame   int // spinner frame
	paused  bool
	held    strings.Builder // permanent lines printed while paused

	ticking       bool // a redraw goroutine runs (not in tests)
	stop, stopped chan struct{}
}

type liveLine struct {
	workspace   string
	phase       outcome.Phase
	done, total int
	message     string
	started     time.Time
}

// RedrawInterval is how often the live block is redrawn.
const RedrawInterval = 200 * time.Millisecond

// NewLive starts a live view on terminal f for a run of total workspaces
// (0 hides the footer). Call Close when the run ends.
func NewLive(f *os.File, command string, style Style, total int) *LiveSink {
	width := func() int {
		w, _, err := term.GetSize(int(f.Fd()))
		if err != nil {
			return 0
		}
		return w
	}
	l := newLive(f, command, style, total, width, time.Now)
	l.ticking = true
	go l.redrawLoop()
	return l
}

func newLive(out io.Writer, command string, style Style, total int, width func() int, now func() time.Time) *LiveSink {
	return &LiveSink{out: out, command: command, style: style, total: total, width: width, now: now,
		stop: make(chan struct{}), stopped: make(chan struct{})}
}

func (l *LiveSink) redrawLoop() {
	defer close(l.stopped)
	tick := time.NewTicker(RedrawInterval)
	defer tick.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-tick.C:
			l.mu.Lock()
			l.frame++
			if !l.paused {
				l.redraw("")
			}
			l.mu.Unlock()
		}
	}
}

// Close stops redrawing and removes the live block, leaving only the
// permanent lines on screen.
func (l *LiveSink) Close() {
	select {
	case <-l.stop:
		return // closed already
	default:
	}
	close(l.stop)
	if l.ticking {
		<-l.stopped
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.running = nil
	l.total = 0
	l.paused = false
	l.redraw("")
}

// Pause removes the block and stops drawing until Resume, so that something
// else can use the terminal (a confirmation prompt). Workspaces that end in
// the meantime are printed on Resume.
func (l *LiveSink) Pause() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.paused {
		return
	}
	io.WriteString(l.out, l.erase())
	l.drawn = 0
	l.paused = true
}

// Resume prints what ended during the pause and draws the block again.
func (l *LiveSink) Resume() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.paused {
		return
	}
	l.paused = false
	held := l.held.String()
	l.held.Reset()
	l.redraw(held)
}

// Event updates the line of a running workspace; a workspace appears with
// its first event.
func (l *LiveSink) Event(e outcome.Event) {
	if e.Phase == outcome.PhaseQueued { // waiting is not running: the footer counts it
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	line := l.line(e.Workspace)
	if line == nil {
		started := e.Time
		if started.IsZero() {
			started = l.now()
		}
		line = &liveLine{workspace: e.Workspace, started: started}
		l.running = append(l.running, line)
	}
	if e.Phase != outcome.PhaseStart && e.Phase != "" && e.Phase != line.phase {
		line.phase = e.Phase
		line.message, line.done, line.total = "", 0, 0
	}
	if e.Total > 0 { // 0 means unknown, not "back to nothing"
		line.done, line.total = e.Done, e.Total
	}
	if e.Changes != nil {
		line.message = FormatChanges(e.Changes.Add, e.Changes.Change, e.Changes.Destroy)
	} else if e.Message != "" {
		line.message = firstLine(e.Message)
	}
}

// Finish removes the workspace from the block and prints its permanent line.
func (l *LiveSink) Finish(r outcome.Result) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, line := range l.running {
		if line.workspace == r.Workspace {
			l.running = append(l.running[:i], l.running[i+1:]...)
			break
		}
	}
	l.ended++
	if r.Status == outcome.StatusFailed {
		l.failed++
	}
	l.print(l.finishLines(r))
}

// Println prints a permanent line above the block.
func (l *LiveSink) Println(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.print(line + "\n")
}

// print puts permanent lines above the block, or holds them while paused.
// Callers hold l.mu.
func (l *LiveSink) print(lines string) {
	if l.paused {
		l.held.WriteString(lines)
		return
	}
	l.redraw(lines)
}

func (l *LiveSink) line(workspace string) *liveLine {
	for _, line := range l.running {
		if line.workspace == workspace {
			return line
		}
	}
	return nil
}

// finishLines is "✓ shared  applied +3 ~0 -0  2.1s", or for a failure the
// error line followed by the last lines of the log.
func (l *LiveSink) finishLines(r outcome.Result) string {
	mark := map[outcome.Status]string{outcome.StatusOK: "✓", outcome.StatusNoChanges: "✓", outcome.StatusUnchanged: "·",
		outcome.StatusFailed: "✗", outcome.StatusSkipped: "-"}[r.Status]
	if mark == "" {
		mark = "?"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s  %s\n", l.style.Status(r.Status, mark), l.style.Bold(r.Workspace), l.style.Status(r.Status, resultLine(r, l.command)))
	if r.Status == outcome.StatusFailed {
		for _, tail := range r.ErrorTail {
			b.WriteString(l.style.Dim("    │ "+tail) + "\n")
		}
	}
	return b.String()
}

// redraw erases the block, prints above (permanent lines, may be empty) and
// draws the block again, all in one write so the terminal never shows half
// a frame. Lines of the block are cut to the terminal width: a wrapped line
// would break the cursor-up arithmetic. Callers hold l.mu.
func (l *LiveSink) redraw(above string) {
	var b strings.Builder
	b.WriteString(l.erase())
	b.WriteString(above)
	block := l.block()
	width := l.width()
	for _, line := range block {
		if width > 1 {
			line = truncate(line, width-1)
		}
		b.WriteString(line + "\n")
	}
	l.drawn = len(block)
	io.WriteString(l.out, b.String())
}

// erase moves back to the first line of the block and clears everything
// below. Callers hold l.mu.
func (l *LiveSink) erase() string {
	if l.drawn > 0 {
		return fmt.Sprintf("\x1b[%dA\r\x1b[J", l.drawn)
	}
	return "\r\x1b[J"
}

var spinner = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// block renders the live lines as plain text (no colour: they get truncated).
func (l *LiveSink) block() []string {
	nameWidth := 0
	for _, line := range l.running {
		nameWidth = max(nameWidth, min(utf8.RuneCountInString(line.workspace), 30))
	}
	now := l.now()
	var out []string
	for _, line := range l.running {
		phase := string(line.phase)
		if phase == "" {
			phase = "starting"
		}
		progress := ""
		if line.total > 0 {
			progress = fmt.Sprintf("%d/%d", line.done, line.total)
		}
		text := fmt.Sprintf("%s %-*s  %-8s %-7s %6s", spinner[l.frame%len(spinner)], nameWidth, line.workspace,
			phase, progress, FormatDuration(now.Sub(line.started)))
		if line.message != "" {
			text += "  " + line.message
		}
		out = append(out, text)
	}
	if l.total > 0 {
		footer := fmt.Sprintf("  %d running · %d/%d done", len(l.running), l.ended, l.total)
		if l.failed > 0 {
			footer += fmt.Sprintf(" · %d failed", l.failed)
		}
		out = append(out, footer)
	}
	return out
}

// truncate cuts s to at most n runes, marking the cut with "…".
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
