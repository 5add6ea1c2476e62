package report

import (
	"io"
	"os"

	"github.com/clan-terranix/clan-terranix/internal/outcome"
	"golang.org/x/term"
)

// Style colours text when colour is allowed, and leaves it alone otherwise.
// The zero Style prints no colour.
type Style struct {
	Color bool
}

// NewStyle allows colour only when noColor (the --no-color flag) is false,
// NO_COLOR is unset or empty (no-color.org), TERM is not "dumb" and w is a
// terminal.
func NewStyle(noColor bool, w io.Writer) Style {
	return Style{Color: !noColor && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb" && IsTerminal(w)}
}

// IsTerminal reports whether w is a terminal (the live view needs one).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func (s Style) paint(code, text string) string {
	if !s.Color || text == "" {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}

func (s Style) Bold(text string) string   { return s.paint("1", text) }
func (s Style) Dim(text string) string    { return s.paint("2", text) }
func (s Style) Red(text string) string    { return s.paint("31", text) }
func (s Style) Green(text string) string  { return s.paint("32", text) }
func (s Style) Yellow(text string) string { return s.paint("33", text) }
func (s Style) Cyan(text string) string   { return s.paint("36", text) }

// Status colours a status word the way every rendering does: success green,
// nothing done dim, failure red, skipped yellow.
func (s Style) Status(st outcome.Status, text string) string {
	switch st {
	case outcome.StatusOK:
		return s.Green(text)
	case outcome.StatusNoChanges, outcome.StatusUnchanged:
		return s.Dim(text)
	case outcome.StatusFailed:
		return s.Red(text)
	case outcome.StatusSkipped:
		return s.Yellow(text)
	}
	return text
}
