package cli

import (
	"github.com/clan-terranix/clan-terranix/internal/report"
	"github.com/clan-terranix/clan-terranix/internal/views"
)

// streams are where the command's views write.
func streams(g *GlobalOptions) views.Streams {
	return views.Streams{Stdout: g.Stdout, Stderr: g.Stderr, NoColor: g.NoColor}
}

// newDisplay shows progress on stderr: a live view on a terminal, plain
// prefixed lines otherwise. Results go to stdout (the command's view).
func newDisplay(g *GlobalOptions, command string, total int) report.Display {
	return report.NewDisplay(g.Stderr, command, report.NewStyle(g.NoColor, g.Stderr), total)
}
