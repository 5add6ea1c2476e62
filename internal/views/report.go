package views

import "fmt"

// Report is the view of `report`, which writes the HTML page to a file:
// people are told where, JSON prints nothing (the page is the result).
type Report interface {
	Wrote(file string, workspaces int) error
}

func NewReport(k Kind, s Streams) Report {
	return pick[Report](k, reportHuman{s}, reportJSON{})
}

type reportHuman struct{ s Streams }

func (v reportHuman) Wrote(file string, workspaces int) error {
	_, err := fmt.Fprintf(v.s.Stdout, "wrote %s (%d workspaces)\n", file, workspaces)
	return err
}

type reportJSON struct{}

func (reportJSON) Wrote(string, int) error { return nil }
