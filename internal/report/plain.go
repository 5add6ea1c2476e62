package report

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/clan-terranix/clan-terranix/internal/outcome"
)

// PlainSink writes one "[workspace] ..." line per event worth seeing, for CI
// logs and pipes. Lines are written whole under a mutex, so workspaces
// running in parallel never interleave within a line.
type PlainSink struct {
	mu        sync.Mutex
	w         io.Writer
	command   string
	style     Style
	lastPhase map[string]outcome.Phase
}

// NewPlain writes to w; command ("apply", "plan", "destroy") picks the words
// of the finish lines ("applied +1 ~0 -0").
func NewPlain(w io.Writer, command string, style Style) *PlainSink {
	return &PlainSink{w: w, command: command, style: style, lastPhase: map[string]outcome.Phase{}}
}

// Event prints a phase the first time a workspace enters it, plan counts,
// and every message; bare progress ticks are left out.
func (p *PlainSink) Event(e outcome.Event) {
	if e.Phase == outcome.PhaseQueued || e.Phase == outcome.PhaseStart {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	newPhase := p.lastPhase[e.Workspace] != e.Phase
	p.lastPhase[e.Workspace] = e.Phase

	text := string(e.Phase)
	switch {
	case e.Changes != nil:
		text += ": " + FormatChanges(e.Changes.Add, e.Changes.Change, e.Changes.Destroy)
	case e.Message != "":
		if e.Total > 0 {
			text += fmt.Sprintf(" %d/%d", e.Done, e.Total)
		}
		text += " " + e.Message
	case !newPhase:
		return
	}
	p.write(e.Workspace, []string{text})
}

// Finish prints how the workspace ended; a failure is followed by the last
// error lines of its log.
func (p *PlainSink) Finish(r outcome.Result) {
	lines := []string{p.style.Status(r.Status, resultLine(r, p.command))}
	if r.Status == outcome.StatusFailed {
		for _, l := range r.ErrorTail {
			lines = append(lines, "  | "+l)
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.lastPhase, r.Workspace)
	p.write(r.Workspace, lines)
}

// Println prints a line of the run itself (not of one workspace).
func (p *PlainSink) Println(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	io.WriteString(p.w, line+"\n")
}

// write prefixes every line (a message may hold several) and writes them
// in one call. Callers hold p.mu.
func (p *PlainSink) write(workspace string, lines []string) {
	var b strings.Builder
	prefix := "[" + workspace + "] "
	for _, line := range lines {
		for _, l := range strings.Split(strings.TrimRight(line, "\n"), "\n") {
			b.WriteString(prefix + l + "\n")
		}
	}
	io.WriteString(p.w, b.String())
}
