package cli

import (
	"fmt"
	"sync"

	"github.com/clan-terranix/clan-terranix/internal/report"
)

type plainSink struct {
	g  *GlobalOptions
	mu sync.Mutex
}

func newSink(g *GlobalOptions, prompting bool) interface {
	report.Sink
	Close()
} {
	return &plainSink{g: g}
}

func (s *plainSink) Event(e report.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.g.Stderr, "[%s] %s %s\n", e.Workspace, e.Phase, e.Message)
}
func (s *plainSink) Finish(r report.Result) {}
func (s *plainSink) Close()                 {}

func printResults(g *GlobalOptions, command string, results []report.Result) error {
	if g.JSON {
		return writeJSON(g.Stdout, results)
	}
	for _, r := range results {
		fmt.Fprintf(g.Stdout, "%s\t%s\t+%d ~%d -%d\t%s %s\n", r.Workspace, r.Status, r.Add, r.Change, r.Destroy, r.SkippedBecause, r.Error)
	}
	return nil
}
