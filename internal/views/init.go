package views

import (
	"fmt"

	"github.com/clan-terranix/clan-terranix/internal/scaffold"
)

// Init is the view of `init`.
type Init interface {
	// Scaffolded shows what init wrote into dir and what it left alone.
	Scaffolded(dir string, res scaffold.Result) error
}

func NewInit(k Kind, s Streams) Init {
	return pick[Init](k, initHuman{s}, initJSON{s})
}

type initHuman struct{ s Streams }

func (v initHuman) Scaffolded(dir string, res scaffold.Result) error {
	for _, f := range res.Written {
		fmt.Fprintf(v.s.Stdout, "wrote   %s\n", f)
	}
	for _, f := range res.Skipped {
		fmt.Fprintf(v.s.Stdout, "skipped %s (exists)\n", f)
	}
	if len(res.Written) > 0 {
		fmt.Fprintf(v.s.Stdout, "\nnext: clan-terranix --clan %s apply --all\n", dir)
	}
	return nil
}

type initJSON struct{ s Streams }

func (v initJSON) Scaffolded(_ string, res scaffold.Result) error { return writeJSON(v.s.Stdout, res) }
