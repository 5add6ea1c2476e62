package views

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/clan-terranix/clan-terranix/internal/operation"
)

// Output is the view of `output`.
type Output interface {
	// Outputs shows the outputs of the workspaces names, in that order.
	// single: one workspace was named, and JSON prints its outputs alone
	// (as `tofu output -json` does) rather than keyed by workspace.
	Outputs(names []string, outputs map[string]map[string]operation.OutputValue, single bool) error
}

func NewOutput(k Kind, s Streams) Output {
	return pick[Output](k, outputHuman{s}, outputJSON{s})
}

type outputHuman struct{ s Streams }

// Outputs hides sensitive values; JSON, like tofu's, does not.
func (v outputHuman) Outputs(names []string, outputs map[string]map[string]operation.OutputValue, _ bool) error {
	w := v.s.Stdout
	for i, n := range names {
		if len(names) > 1 {
			if i > 0 {
				fmt.Fprintln(w)
			}
			fmt.Fprintf(w, "%s:\n", n)
		}
		outs := outputs[n]
		if len(outs) == 0 {
			fmt.Fprintln(w, "  (no outputs: not applied yet?)")
			continue
		}
		keys := make([]string, 0, len(outs))
		for k := range outs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if _, err := fmt.Fprintf(w, "  %s = %s\n", k, outputValue(outs[k])); err != nil {
				return err
			}
		}
	}
	return nil
}

func outputValue(o operation.OutputValue) string {
	if o.Sensitive {
		return "<sensitive>"
	}
	if s, ok := o.Value.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	b, _ := json.Marshal(o.Value)
	return string(b)
}

type outputJSON struct{ s Streams }

func (v outputJSON) Outputs(names []string, outputs map[string]map[string]operation.OutputValue, single bool) error {
	if single {
		return writeJSON(v.s.Stdout, outputs[names[0]])
	}
	return writeJSON(v.s.Stdout, outputs)
}
