package deploy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Checker writes targetHosts into a clan's inventory.json and keeps only
// those with which the clan still evaluates (a conflicting definition, a
// clan.checks rule) and gives the machine that address. Judging takes a Nix
// evaluation of the whole clan, so the writes of one run share them: the
// writes made while a check runs are judged together by the next one, and
// only when that fails is each write tried alone. Each check holds the
// inventory lock: no process writes the file while it is judged.
type Checker struct {
	path string
	// targetHosts evaluates the clan as inventory.json is now: each machine's
	// targetHost (nil: none, or a flake that does not see the file), or an
	// error of one line saying why the clan does not evaluate.
	targetHosts func() (map[string]*string, error)

	mu      sync.Mutex // one judgement at a time
	pmu     sync.Mutex // pending
	pending []*hostWrite
}

// hostWrite is one targetHost written and not yet judged.
type hostWrite struct {
	machine, targetHost string
	before, after       []byte // inventory.json around the write; before nil: there was none
	judged              bool
	err                 error
}

// RefusedError is a targetHost written to inventory.json and undone because
// the clan refused it.
type RefusedError struct {
	Machine, TargetHost string
	Reason              error
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("machine %s: targetHost %s not kept in %s: %v", e.Machine, e.TargetHost, InventoryFile, e.Reason)
}

// NewChecker judges the write-backs into root's inventory.json with targetHosts.
func NewChecker(root string, targetHosts func() (map[string]*string, error)) *Checker {
	return &Checker{path: filepath.Join(root, InventoryFile), targetHosts: targetHosts}
}

// SetTargetHost is SetTargetHost judged by the clan: it returns once a check
// made after the write kept it, or undid it (a *RefusedError).
func (c *Checker) SetTargetHost(machine, targetHost string) (bool, error) {
	w := &hostWrite{machine: machine, targetHost: targetHost}
	unlock, err := lockInventory(c.path)
	if err != nil {
		return false, err
	}
	var changed bool
	w.before, w.after, changed, err = editLocked(c.path, setTargetHost(machine, targetHost))
	if changed {
		// Pending before the lock is released: a check (which takes the lock)
		// judges every write it finds in the file.
		c.pmu.Lock()
		c.pending = append(c.pending, w)
		c.pmu.Unlock()
	}
	unlock()
	if err != nil || !changed {
		return false, err
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if !w.judged {
		c.judge()
	}
	return w.err == nil, w.err
}

// judge checks every pending write; the caller holds c.mu.
func (c *Checker) judge() {
	unlock, err := lockInventory(c.path)
	c.pmu.Lock()
	batch := c.pending
	c.pending = nil
	c.pmu.Unlock()
	defer func() {
		for _, w := range batch {
			w.judged = true
		}
	}()
	if err != nil {
		for _, w := range batch {
			w.err = err
		}
		return
	}
	defer unlock()
	hosts, checkErr := c.targetHosts()
	if checkErr != nil && len(batch) > 1 {
		// Which write broke it? Take them all back, then try each alone.
		for i := len(batch) - 1; i >= 0; i-- {
			batch[i].err = c.undo(batch[i])
		}
		for _, w := range batch {
			if w.err != nil {
				continue
			}
			if w.before, w.after, _, w.err = editLocked(c.path, setTargetHost(w.machine, w.targetHost)); w.err == nil {
				c.keep(w)
			}
		}
		return
	}
	for _, w := range batch {
		w.err = c.verdict(w, hosts, checkErr)
	}
}

// keep checks one write alone and undoes it when refused.
func (c *Checker) keep(w *hostWrite) {
	hosts, err := c.targetHosts()
	w.err = c.verdict(w, hosts, err)
}

// verdict is nil when the clan keeps w; otherwise w is undone.
func (c *Checker) verdict(w *hostWrite, hosts map[string]*string, checkErr error) error {
	var reason error
	if checkErr != nil {
		reason = fmt.Errorf("with it the clan no longer evaluates: %v", checkErr)
	} else if got := hosts[w.machine]; got != nil && *got != w.targetHost {
		reason = fmt.Errorf("the clan gives machine %s the targetHost %s instead", w.machine, *got)
	}
	if reason == nil {
		return nil
	}
	if err := c.undo(w); err != nil {
		return err
	}
	return &RefusedError{Machine: w.machine, TargetHost: w.targetHost, Reason: reason}
}

// undo puts back what w changed: the file as it was when nothing has written
// it since, else only the machine's targetHost.
func (c *Checker) undo(w *hostWrite) error {
	now, err := os.ReadFile(c.path)
	switch {
	case err == nil && bytes.Equal(now, w.after) && w.before == nil:
		err = os.Remove(c.path)
	case err == nil && bytes.Equal(now, w.after):
		err = writeFileAtomic(c.path, w.before)
	case err == nil:
		edit := clearTargetHost(w.machine, nil)
		if old := previousTargetHost(w.before, w.machine); old != "" {
			edit = setTargetHost(w.machine, old)
		}
		_, _, _, err = editLocked(c.path, edit)
	}
	if err != nil {
		return fmt.Errorf("%s: undoing targetHost %s of machine %s: %v", c.path, w.targetHost, w.machine, err)
	}
	return nil
}

// previousTargetHost is the machine's targetHost in an inventory.json's content ("" when none).
func previousTargetHost(data []byte, machine string) string {
	var inv struct {
		Machines map[string]struct {
			Deploy struct {
				TargetHost string `json:"targetHost"`
			} `json:"deploy"`
		} `json:"machines"`
	}
	if json.Unmarshal(data, &inv) != nil {
		return ""
	}
	return inv.Machines[machine].Deploy.TargetHost
}
