// Package views prints what each command found or did. Every command that
// prints a result has a view here with a human and a JSON rendering, chosen
// once by the command from its --json flag (NewList(KindOf(json), streams)
// ...), as OpenTofu's internal/command/views does. Commands compute the
// values and hand them over; views only render them, results on stdout and
// what goes with an error on stderr.
package views

import (
	"encoding/json"
	"io"
)

// Kind is how a view renders: for people or as JSON.
type Kind int

const (
	Human Kind = iota
	JSON
)

// KindOf is the kind a command's --json flag asks for.
func KindOf(json bool) Kind {
	if json {
		return JSON
	}
	return Human
}

// pick is the view of kind k: its human or its JSON implementation.
func pick[V any](k Kind, human, json V) V {
	if k == JSON {
		return json
	}
	return human
}

// Streams are where a view writes: results to Stdout, problems to Stderr.
type Streams struct {
	Stdout, Stderr io.Writer
	// NoColor turns colour off even on a terminal.
	NoColor bool
}

// writeJSON writes v indented, without escaping <, > and & (the documents
// of list, status, output, init and install).
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// writeJSONEscaped writes v indented with encoding/json's HTML escaping (the
// documents of check, state and unlock, unchanged since they were first
// printed so).
func writeJSONEscaped(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// nonNil makes a nil slice print as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
