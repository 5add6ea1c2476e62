package views

import (
	"fmt"
	"text/tabwriter"

	"github.com/clan-terranix/clan-terranix/internal/nixeval"
)

// Table is the view of list and status: one row per workspace under a
// header, or the JSON document {"evaluator": ..., "workspaces": [...]}.
type Table[T any] interface {
	Workspaces(evaluator nixeval.EvaluatorInfo, rows []T) error
}

func newTable[T any](k Kind, s Streams, header string, row func(T) string, normalize func(T) T) Table[T] {
	return pick[Table[T]](k, tableHuman[T]{s, header, row}, tableJSON[T]{s, normalize})
}

type tableHuman[T any] struct {
	s      Streams
	header string
	// row is one line of the table, its cells separated by tabs.
	row func(T) string
}

func (v tableHuman[T]) Workspaces(_ nixeval.EvaluatorInfo, rows []T) error {
	tw := tabwriter.NewWriter(v.s.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, v.header)
	for _, r := range rows {
		fmt.Fprintln(tw, v.row(r))
	}
	return tw.Flush()
}

type tableJSON[T any] struct {
	s Streams
	// normalize prepares a row for JSON (lists as [], never null).
	normalize func(T) T
}

func (v tableJSON[T]) Workspaces(evaluator nixeval.EvaluatorInfo, rows []T) error {
	out := make([]T, 0, len(rows))
	for _, r := range rows {
		out = append(out, v.normalize(r))
	}
	return writeJSON(v.s.Stdout, struct {
		Evaluator  nixeval.EvaluatorInfo `json:"evaluator"`
		Workspaces []T                   `json:"workspaces"`
	}{evaluator, out})
}
