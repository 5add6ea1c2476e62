package views

import (
	"fmt"

	"github.com/clan-terranix/clan-terranix/internal/deploy"
)

// Deploy is the view of install and update: the steps of a dry run, and
// what install did.
type Deploy interface {
	// Steps shows a dry run's steps under title ("install web", "update").
	Steps(title string, steps []deploy.Step) error
	// Installed says that NixOS is installed on machine at res's address.
	Installed(machine string, res deploy.InstallResult) error
}

func NewDeploy(k Kind, s Streams) Deploy {
	return pick[Deploy](k, deployHuman{s}, deployJSON{s})
}

type deployHuman struct{ s Streams }

// Steps numbers the steps, each command indented below its step.
func (v deployHuman) Steps(title string, steps []deploy.Step) error {
	w := v.s.Stdout
	if _, err := fmt.Fprintf(w, "%s (dry run: nothing is run)\n", title); err != nil {
		return err
	}
	for i, st := range steps {
		fmt.Fprintf(w, "%d. %s\n", i+1, st.What)
		if st.Command != "" {
			fmt.Fprintf(w, "   $ %s\n", st.Command)
		}
	}
	return nil
}

func (v deployHuman) Installed(machine string, res deploy.InstallResult) error {
	_, err := fmt.Fprintf(v.s.Stdout, "installed %s on %s\n", machine, res.TargetHost)
	return err
}

type deployJSON struct{ s Streams }

func (v deployJSON) Steps(_ string, steps []deploy.Step) error { return writeJSON(v.s.Stdout, steps) }

func (v deployJSON) Installed(machine string, res deploy.InstallResult) error {
	return writeJSON(v.s.Stdout, map[string]any{"machine": machine, "targetHost": res.TargetHost, "command": res.Command.String(), "written": res.Paths})
}
