package report

import (
	"io"
	"os"

	"github.com/clan-terranix/clan-terranix/internal/outcome"
)

// Display is a Sink that owns the terminal (or log) for the duration of a
// run: it can print lines of its own and must be closed at the end.
type Display interface {
	outcome.Sink
	// Println prints a line that belongs to no workspace.
	Println(line string)
	// Pause and Resume stop and restart a live view around something else
	// using the terminal, such as a confirmation prompt; no-ops otherwise.
	Pause()
	Resume()
	Close()
}

// NewDisplay returns the live view when w is a terminal (and TERM is not
// "dumb"), plain prefixed lines otherwise. total is the number of workspaces
// in the run, shown in the live view's footer (0: no footer).
func NewDisplay(w io.Writer, command string, style Style, total int) Display {
	if f, ok := w.(*os.File); ok && IsTerminal(f) && os.Getenv("TERM") != "dumb" {
		return NewLive(f, command, style, total)
	}
	return NewPlain(w, command, style)
}

// Pause does nothing: plain lines need no terminal of their own.
func (p *PlainSink) Pause() {}

// Resume does nothing.
func (p *PlainSink) Resume() {}

// Close does nothing: every line is written when it happens.
func (p *PlainSink) Close() {}
